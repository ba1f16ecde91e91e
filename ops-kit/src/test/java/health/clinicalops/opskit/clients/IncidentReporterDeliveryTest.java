package health.clinicalops.opskit.clients;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import health.clinicalops.opskit.testapp.FakeIncidentsResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Incident reports over real HTTP to a receiver with a 64 KB body limit: evidence is bounded so a
 * report always fits, and a report the receiver refuses for good never holds up the ones behind.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class IncidentReporterDeliveryTest {

  @Inject IncidentReporter reporter;

  @BeforeEach
  void reset() {
    FakeIncidentsResource.RECEIVED.clear();
  }

  private static IncidentReport report(String key, String title, Map<String, Object> evidence) {
    return IncidentReport.open(
        key, Runbooks.ERROR_RATE_SPIKE, Severity.P2, title, evidence, "test");
  }

  @Test
  void aReportWithHugeEvidenceArrivesBoundedAndTheNextOneFollows() {
    reporter.report(
        report("spike-1", "Error Rate Spike", Map.of("topErrors", List.of("e".repeat(2_000_000)))));
    reporter.report(report("spike-2", "Error Rate Spike", Map.of("ratio", 0.25)));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(FakeIncidentsResource.RECEIVED)
                  .extracting(IncidentReport::dedupKey)
                  .containsExactly("spike-1", "spike-2");
              assertThat(FakeIncidentsResource.RECEIVED.get(0).evidence())
                  .containsEntry("evidenceTruncated", true)
                  .doesNotContainKey("topErrors");
            });
  }

  @Test
  void aReportRefusedForGoodIsDeadLetteredAndTheReportsBehindItArrive() {
    double deadLettersBefore = deadLetters();
    reporter.report(report("refused", FakeIncidentsResource.REFUSED_TITLE, Map.of()));
    reporter.report(report("after-refused", "Error Rate Spike", Map.of()));
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
    IncidentReport opened = report("ids", "Error Rate Spike", Map.of());
    reporter.report(opened);
    reporter.report(opened.withStep("step", "detail"));
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
