package health.clinicalops.rollbackorchestrator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.InjectPostgres;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Evidence stored before it was typed (no {@code kind}, the breach flag as a key) reads as its
 * runbook's record after V5: an audit-log incident of that time still gets its compliance export.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
class TypedEvidenceMigrationTest {

  static final String OPERATOR = "Bearer test-operator-token";

  @InjectPostgres EmbeddedPostgresServer postgres;

  @Test
  void untypedEvidenceGetsItsRunbookAsKindAndLosesTheBreachKey() throws Exception {
    String key = "untyped-" + UUID.randomUUID();
    long id;
    try (var c = postgres.connect("orchestrator");
        var s = c.createStatement()) {
      var rs =
          s.executeQuery(
              "INSERT INTO rollback_orchestrator.incident (dedup_key, runbook, severity, title,"
                  + " source, status, evidence, opened_at, updated_at, resolved_at,"
                  + " escalation_level) VALUES ('"
                  + key
                  + "', 'audit-log-failure', 'P2', 'Audit Log Failure: spooling', 'audit-keeper',"
                  + " 'RESOLVED', '{\"cause\":\"SQLState 08006\",\"spoolDepth\":7,"
                  + "\"spooledEvents\":7,\"suspectedDataBreach\":false}', '"
                  + Instant.parse("2026-11-01T10:00:00Z")
                  + "', now(), now(), 0) RETURNING id");
      rs.next();
      id = rs.getLong(1);
      c.setSchema("rollback_orchestrator");
      s.execute(migration());
      var evidence =
          s.executeQuery("SELECT evidence FROM rollback_orchestrator.incident WHERE id = " + id);
      evidence.next();
      assertThat(evidence.getString(1))
          .contains("\"kind\": \"audit-log-failure\"")
          .doesNotContain("suspectedDataBreach");
    }
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/incidents/" + id + "/report")
        .then()
        .statusCode(200)
        .body(containsString("| Cause | SQLState 08006 |"))
        .body(containsString("| Events in the spool when the incident opened | 7 |"))
        .body(containsString("| Spooled events replayed into \"AuditLog\" | 7 |"));
  }

  private static String migration() throws Exception {
    try (var in =
        TypedEvidenceMigrationTest.class.getResourceAsStream(
            "/db/migration/V5__typed_evidence.sql")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
