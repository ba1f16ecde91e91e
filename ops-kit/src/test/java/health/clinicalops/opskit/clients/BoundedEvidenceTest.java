package health.clinicalops.opskit.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BoundedEvidenceTest {

  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void smallEvidenceIsKeptAsItIs() {
    Map<String, Object> evidence = Map.of("ip", "203.0.113.7", "failures", 60);
    assertThat(BoundedEvidence.fit(evidence, 1024, mapper)).isSameAs(evidence);
  }

  @Test
  void theEntriesBeforeTheFirstThatDoesNotFitStayAndTheRestAreNamed() throws Exception {
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("ip", "203.0.113.7");
    evidence.put("ratio", 0.25);
    evidence.put("topErrors", List.of("x".repeat(2_000_000)));
    evidence.put("region", "eu-west");
    Map<String, Object> fitted = BoundedEvidence.fit(evidence, 16 * 1024, mapper);
    assertThat(mapper.writeValueAsBytes(fitted).length).isLessThanOrEqualTo(16 * 1024);
    assertThat(fitted)
        .containsEntry("ip", "203.0.113.7")
        .containsEntry("ratio", 0.25)
        .containsEntry(BoundedEvidence.TRUNCATED, true);
    assertThat(fitted)
        .doesNotContainKeys("topErrors", "region")
        .containsEntry(BoundedEvidence.LEFT_OUT_COUNT, 2L)
        .containsEntry(BoundedEvidence.LEFT_OUT, List.of("topErrors", "region"));
  }

  @Test
  void aMillionSmallEntriesAreCutToTheBound() throws Exception {
    Map<String, Object> evidence = new LinkedHashMap<>();
    for (int i = 0; i < 1_000_000; i++) {
      evidence.put("k" + i, i);
    }
    Map<String, Object> fitted = BoundedEvidence.fit(evidence, 64 * 1024, mapper);
    assertThat(mapper.writeValueAsBytes(fitted).length).isLessThanOrEqualTo(64 * 1024);
    assertThat(fitted).containsEntry("k0", 0).containsKey(BoundedEvidence.LEFT_OUT_COUNT);
  }
}
