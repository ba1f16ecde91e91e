package health.clinicalops.opskit.clients;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import health.clinicalops.opskit.evidence.Bounded;
import health.clinicalops.opskit.evidence.ErrorSpikeEvidence;
import health.clinicalops.opskit.evidence.ErrorSpikeEvidence.TopError;
import health.clinicalops.opskit.testapp.FakeIncidentsResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Incident reports over real HTTP to a receiver with a 64 KB body limit: evidence is bounded so a
 * report always fits (and left out when a record's bounds do not suffice), and a report the
 * receiver refuses for good never holds up the ones behind.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class IncidentReporterDeliveryTest {

  @Inject IncidentReporter reporter;

  @BeforeEach
  void reset() {
    FakeIncidentsResource.RECEIVED.clear();
  }

  private static IncidentReport report(String key, String title, ErrorSpikeEvidence evidence) {
    return IncidentReport.open(key, Severity.P2, title, evidence, false, "test");
  }

  private static ErrorSpikeEvidence spike(double ratio, List<TopError> topErrors) {
    return new ErrorSpikeEvidence(
        null, null, null, null, null, ratio, null, null, 0.1, null, null, null, topErrors, null,
        null, null, null, null);
  }

  @Test
  void hugeEvidenceIsBoundedWhenMadeAndArrivesWithTheNextReportBehindIt() {
    TopError huge = new TopError("e".repeat(2_000_000), 1, null, false, false, Map.of(), "sample");
    reporter.report(
        report("spike-1", "Error Rate Spike", spike(0.5, Collections.nCopies(1_000_000, huge))));
    reporter.report(report("spike-2", "Error Rate Spike", spike(0.25, List.of())));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(FakeIncidentsResource.RECEIVED)
                    .extracting(IncidentReport::dedupKey)
                    .containsExactly("spike-1", "spike-2"));
    ErrorSpikeEvidence received =
        (ErrorSpikeEvidence) FakeIncidentsResource.RECEIVED.get(0).evidence();
    assertThat(received.topErrors()).hasSize(ErrorSpikeEvidence.TOP_ERRORS);
    assertThat(received.topErrors().get(0).fingerprint()).hasSizeLessThan(Bounded.NAME + 2);
  }

  @Test
  void evidenceAboveTheLimitIsLeftOutAndTheReportStillArrives() {
    // Ten fingerprints with ten long endpoints each: bounded, yet above this test's 16 KB limit.
    Map<String, Long> endpoints = new LinkedHashMap<>();
    for (int i = 0; i < 10; i++) {
      endpoints.put(i + "/" + "p".repeat(300), 1L);
    }
    TopError wide = new TopError("fp", 1, null, false, false, endpoints, "s".repeat(5_000));
    reporter.report(
        report("spike-wide", "Error Rate Spike", spike(0.5, Collections.nCopies(10, wide))));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(FakeIncidentsResource.RECEIVED)
                    .singleElement()
                    .satisfies(
                        r -> {
                          assertThat(r.dedupKey()).isEqualTo("spike-wide");
                          assertThat(r.evidence()).isNull();
                        }));
  }

  @Test
  void aReportRefusedForGoodIsDeadLetteredAndTheReportsBehindItArrive() {
    double deadLettersBefore = deadLetters();
    reporter.report(report("refused", FakeIncidentsResource.REFUSED_TITLE, spike(0.5, List.of())));
    reporter.report(report("after-refused", "Error Rate Spike", spike(0.5, List.of())));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(FakeIncidentsResource.RECEIVED)
                  .extracting(IncidentReport::dedupKey)
                  .containsExactly("after-refused");
              assertThat(deadLetters()).isEqualTo(deadLettersBefore + 1);
              assertThat(reporter.pending()).isZero();
            });
  }

  @Test
  void eachReportCarriesItsOwnId() {
    IncidentReport opened = report("ids", "Error Rate Spike", spike(0.5, List.of()));
    reporter.report(opened);
    reporter.report(
        opened.withStep(new IncidentReport.Step("step", "detail", "test", Instant.now())));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(FakeIncidentsResource.RECEIVED).hasSize(2));
    assertThat(FakeIncidentsResource.RECEIVED)
        .extracting(IncidentReport::reportId)
        .doesNotContainNull()
        .doesNotHaveDuplicates();
  }

  private static double deadLetters() {
    return given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .extract()
        .asString()
        .lines()
        .filter(
            l ->
                l.startsWith("clinicalops_outbox_dead_letters_total")
                    && l.contains("rollback-orchestrator"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElse(0);
  }
}
