package health.clinicalops.rollbackorchestrator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import health.clinicalops.rollbackorchestrator.ClusterFixtures.Rev;
import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.InjectPostgres;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A database rollback where the ops services' state shares the app's database (the chart's {@code
 * opsDatabase.shareAppDatabase: true}): the restore brings back only the app's own objects. The ops
 * schemas ({@code rollback_orchestrator}, {@code auth_guard}, {@code error_watch}), {@code
 * "AuditLog"} and {@code audit_keeper} keep what was written after the backup, so the running
 * rollback's own row survives its restore and the procedure runs to the end.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(
    value = OrchestratorPostgresResource.class,
    initArgs = @ResourceArg(name = "shared", value = "true"))
class SharedDatabaseRollbackTest {

  static final String OPERATOR = "Bearer test-operator-token";
  static final String SHARED = OrchestratorPostgresResource.OPS_DATABASE;

  @InjectPostgres EmbeddedPostgresServer postgres;
  @Inject KubernetesClient client;

  @Test
  void theRestoreLeavesTheOpsStateAndTheAuditTrailAsTheyAreAndTheRollbackFinishes()
      throws Exception {
    postgres.execute(SHARED, DatabaseRollbackTest.APP_TABLES);
    postgres.execute(
        SHARED,
        """
        CREATE SCHEMA IF NOT EXISTS auth_guard;
        CREATE TABLE IF NOT EXISTS auth_guard.ip_block (ip TEXT PRIMARY KEY);
        CREATE SCHEMA IF NOT EXISTS error_watch;
        CREATE TABLE IF NOT EXISTS error_watch.alert (id TEXT PRIMARY KEY);
        """);
    String deployment = "shared-clinic";
    ClusterFixtures.deploymentWithRevisions(
        client,
        deployment,
        new Rev("registry/app:v1", true, "m1"),
        new Rev("registry/app:v2", true, "m1"),
        new Rev("registry/app:v3", false, "m2"));
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body("{\"name\":\"predeploy-shared\"}")
        .post("/api/v1/database-backups")
        .then()
        .statusCode(201);
    postgres.execute(
        SHARED,
        """
        INSERT INTO "ClinicalNote" (body) VALUES ('written after the backup');
        INSERT INTO "AuditLog" (action) VALUES ('after the backup');
        INSERT INTO auth_guard.ip_block VALUES ('203.0.113.9');
        INSERT INTO error_watch.alert VALUES ('spike-after-the-backup');
        """);

    int id =
        given()
            .header("Authorization", OPERATOR)
            .contentType(ContentType.JSON)
            .body(
                "{\"deployment\":\""
                    + deployment
                    + "\",\"reason\":\"v3 migration broke notes\","
                    + "\"database\":{\"backup\":\"predeploy-shared\"}}")
            .post("/api/v1/rollbacks")
            .then()
            .statusCode(202)
            .extract()
            .path("id");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(ClusterFixtures.image(client, deployment)).isEqualTo("registry/app:v2"));
    ClusterFixtures.completeRollout(client, deployment);
    await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () ->
                given()
                    .header("Authorization", OPERATOR)
                    .get("/api/v1/rollbacks/" + id)
                    .then()
                    .body("status", equalTo("SUCCEEDED"))
                    .body(
                        "steps.find { it.name == 'RESTORE' }.detail",
                        containsString("schema rollback_orchestrator")));

    // the app's own rows are back to the backup
    assertThat(count("SELECT count(*) FROM \"ClinicalNote\"")).isEqualTo(10);
    // what the ops services and the audit trail wrote since is still there
    assertThat(count("SELECT count(*) FROM \"AuditLog\" WHERE action = 'after the backup'"))
        .isEqualTo(1);
    assertThat(count("SELECT count(*) FROM auth_guard.ip_block")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM error_watch.alert")).isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM rollback_orchestrator.rollback WHERE id = "
                    + id
                    + " AND status = 'SUCCEEDED'"))
        .isEqualTo(1);
  }

  private long count(String sql) throws Exception {
    try (var c = postgres.connect(SHARED);
        var s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
