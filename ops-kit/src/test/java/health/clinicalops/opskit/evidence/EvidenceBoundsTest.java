package health.clinicalops.opskit.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Each runbook's evidence made from input the size an attacker picks (a million entries, texts of
 * megabytes) stays under the outbox's 64 KB default, and travels as its own type.
 */
class EvidenceBoundsTest {

  private static final int LIMIT = 64 * 1024;
  private static final String HUGE = "x".repeat(2_000_000);
  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

  private final ObjectMapper mapper =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private static List<String> hugeNames() {
    return Collections.nCopies(1_000_000, HUGE.substring(0, 10_000));
  }

  private static <V> Map<String, V> hugeMap(V value) {
    Map<String, V> map = new LinkedHashMap<>();
    IntStream.range(0, 100_000).forEach(i -> map.put(i + HUGE.substring(0, 1_000), value));
    return map;
  }

  static List<Evidence> largest() {
    List<String> names = hugeNames();
    return List.of(
        new AuthAbuseEvidence(
            HUGE, HUGE, HUGE, HUGE, 1L, HUGE, 1, 1L, 1L, 1L, 1L, names, names, true, HUGE, HUGE, 1,
            AT, true),
        new RateLimitStormEvidence(
            HUGE,
            AT,
            AT,
            1,
            1,
            1,
            1,
            HUGE,
            1,
            1,
            Collections.nCopies(1_000_000, new RateLimitStormEvidence.EndpointCount(HUGE, 1)),
            Collections.nCopies(1_000_000, new RateLimitStormEvidence.KeyCount(HUGE, 1))),
        new DatabaseLossEvidence(
            HUGE,
            HUGE,
            AT,
            1L,
            true,
            true,
            HUGE,
            1L,
            HUGE,
            1L,
            HUGE,
            1,
            1,
            1.0,
            hugeMap(1),
            Collections.nCopies(
                1_000_000, new DatabaseLossEvidence.ConnectionHolder(HUGE, HUGE, HUGE, HUGE, 1)),
            Collections.nCopies(
                1_000_000, new DatabaseLossEvidence.Session(1, HUGE, HUGE, HUGE, 1)),
            Collections.nCopies(
                1_000_000, new DatabaseLossEvidence.Session(1, HUGE, HUGE, HUGE, 1))),
        new AuditFailureEvidence(
            HUGE, HUGE, 1L, 1L, 1, HUGE, 1L, HUGE, names, HUGE, true, true, HUGE, HUGE, 1L, 1L, 1.0,
            HUGE, 1, names, HUGE),
        new ErrorSpikeEvidence(
            HUGE,
            HUGE,
            HUGE,
            true,
            AT,
            1.0,
            AT,
            AT,
            1.0,
            HUGE,
            HUGE,
            HUGE,
            Collections.nCopies(
                1_000_000,
                new ErrorSpikeEvidence.TopError(HUGE, 1, AT, true, true, hugeMap(1L), HUGE)),
            new ErrorSpikeEvidence.Deploy(HUGE, HUGE, HUGE, HUGE, HUGE, HUGE, AT, HUGE),
            HUGE,
            HUGE,
            HUGE,
            HUGE),
        new RollbackEvidence(1L, HUGE, 1L, 1L, HUGE, HUGE, HUGE, HUGE, HUGE, true));
  }

  @Test
  void theLargestEvidenceOfEveryRunbookFitsTheDefaultLimit() throws Exception {
    List<Evidence> all = largest();
    assertThat(all.stream().map(Evidence::runbook).distinct()).hasSize(6);
    for (Evidence evidence : all) {
      assertThat(mapper.writeValueAsBytes(evidence).length)
          .as("%s at its largest", evidence.getClass().getSimpleName())
          .isLessThan(LIMIT);
    }
  }

  @Test
  void evidenceTravelsAsItsOwnTypeNamedByItsRunbook() throws Exception {
    Evidence sent =
        new AuditFailureEvidence(
            "SQLState 08006",
            "/spool",
            42L,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    String json = mapper.writeValueAsString(sent);
    assertThat(json)
        .contains("\"kind\":\"" + Runbooks.AUDIT_LOG_FAILURE + "\"")
        .contains("\"spoolDepth\":42")
        .doesNotContain("spooledEvents");
    Evidence received = mapper.readValue(json, Evidence.class);
    assertThat(received).isEqualTo(sent);
    assertThat(((AuditFailureEvidence) received).spoolDepth()).isEqualTo(42L);
  }
}
