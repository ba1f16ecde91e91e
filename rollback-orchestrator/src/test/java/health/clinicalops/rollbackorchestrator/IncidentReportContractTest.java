package health.clinicalops.rollbackorchestrator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.IncidentReporter;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.AuditFailureEvidence;
import health.clinicalops.opskit.evidence.AuthAbuseEvidence;
import health.clinicalops.opskit.evidence.DatabaseLossEvidence;
import health.clinicalops.opskit.evidence.ErrorSpikeEvidence;
import health.clinicalops.opskit.evidence.Evidence;
import health.clinicalops.opskit.evidence.RateLimitStormEvidence;
import health.clinicalops.opskit.evidence.RollbackEvidence;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@code POST /api/v1/incidents}: every runbook's evidence, sent by the senders'
 * own client (ops-kit's IncidentReporter, over HTTP, through its outbox), is accepted by the real
 * resource and stored as the record it is, with the breach flag and the step.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
class IncidentReportContractTest {

  static final String OPERATOR = "Bearer test-operator-token";
  static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

  @Inject IncidentReporter reporter;

  static List<Evidence> oneOfEachRunbook() {
    return List.of(
        new AuthAbuseEvidence(
            "brute-force",
            null,
            null,
            "alice",
            40L,
            "PT15M",
            null,
            null,
            31L,
            2L,
            null,
            null,
            List.of("203.0.113.7"),
            null,
            "revoked",
            null,
            null,
            null,
            null),
        new RateLimitStormEvidence(
            "READ",
            AT,
            AT.plusSeconds(60),
            120,
            80,
            0.667,
            900,
            "legitimate",
            50,
            45,
            List.of(new RateLimitStormEvidence.EndpointCount("/api/notes", 900)),
            List.of(new RateLimitStormEvidence.KeyCount("user:1", 12))),
        new DatabaseLossEvidence(
            "connection-slots",
            "too many clients",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            97,
            100,
            0.97,
            Map.of("idle in transaction", 40),
            List.of(
                new DatabaseLossEvidence.ConnectionHolder("app", "next", "10.0.0.5", "idle", 60)),
            List.of(
                new DatabaseLossEvidence.Session(4711, "app", "next", "idle in transaction", 600)),
            List.of()),
        new AuditFailureEvidence(
            "SQLState 08006",
            "/spool/audit.spool",
            12L,
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
            null),
        new ErrorSpikeEvidence(
            UUID.randomUUID().toString(),
            "SUSPECT_DEPLOYMENT",
            "rollback requested",
            true,
            null,
            0.25,
            AT,
            AT.plusSeconds(300),
            0.1,
            "up",
            null,
            null,
            List.of(
                new ErrorSpikeEvidence.TopError(
                    "TypeError: x is undefined",
                    420,
                    AT,
                    true,
                    false,
                    Map.of("/api/notes", 420L),
                    "TypeError: x is undefined at notes.js:12")),
            new ErrorSpikeEvidence.Deploy(
                "d-1", "web", "web:1.4.2", "12", "1.4.2", "11", AT, "helm"),
            "automatic",
            "17",
            "RUNNING",
            null),
        RollbackEvidence.failed(17, "VERIFY_DATA", "row counts differ", true));
  }

  @Test
  void everyRunbooksEvidenceSentByTheSendersClientIsStoredAsItsRecord() {
    for (Evidence evidence : oneOfEachRunbook()) {
      String key = "contract/" + evidence.runbook() + "/" + UUID.randomUUID();
      IncidentReport report =
          IncidentReport.open(
                  key,
                  Severity.P2,
                  "contract " + evidence.runbook(),
                  evidence,
                  true,
                  "contract-test")
              .withStep(
                  new IncidentReport.Step(
                      "contract.step", "sent by the sender's client", "contract-test", AT));
      assertThat(reporter.report(report)).isTrue();

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(incidentWithKey(key)).as("incident %s", key).isNotNull());
      JsonPath stored = incidentWithKey(key);
      assertThat(stored.getString("runbook")).isEqualTo(evidence.runbook());
      assertThat(stored.getString("evidence.kind")).isEqualTo(evidence.runbook());
      assertThat(stored.getBoolean("breachSuspected")).isTrue();
      assertThat(stored.getList("timeline.action")).contains("contract.step");
      Evidence readBack = stored.getObject("evidence", Evidence.class);
      assertThat(readBack).as("evidence of %s as stored", evidence.runbook()).isEqualTo(evidence);
    }
  }

  private static JsonPath incidentWithKey(String key) {
    List<Integer> ids =
        given()
            .header("Authorization", OPERATOR)
            .queryParam("limit", 1000)
            .get("/api/v1/incidents")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("findAll { it.dedupKey == '" + key + "' }.id");
    if (ids.isEmpty()) {
      return null;
    }
    return given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/incidents/" + ids.get(0))
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }
}
