package health.clinicalops.rollbackorchestrator;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.clinicalops.opskit.opsstate.OpsStateWriter;
import health.clinicalops.rollbackorchestrator.ClusterFixtures.Rev;
import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.InjectPostgres;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "Rollback with Database" against a real PostgreSQL: the app database {@code clinicalapp} with the
 * runbook's three tables, real pg_dump/pg_restore, and the Kubernetes test server.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
class DatabaseRollbackTest {

  static final String OPERATOR = "Bearer test-operator-token";
  static final String SERVICE = "Bearer test-service-token";
  static final AtomicInteger NAMES = new AtomicInteger();
  static final String APP = OrchestratorPostgresResource.APP_DATABASE;

  /** The runbook's three tables with ten rows each, and audit-keeper's schema and trigger. */
  static final String APP_TABLES =
      """
        DROP TABLE IF EXISTS "User", "ClinicalNote", "AuditLog";
        DROP SCHEMA IF EXISTS audit_keeper CASCADE;
        CREATE TABLE "User" (id SERIAL PRIMARY KEY, email TEXT NOT NULL);
        CREATE TABLE "ClinicalNote" (id SERIAL PRIMARY KEY, body TEXT NOT NULL);
        CREATE TABLE "AuditLog" (id SERIAL PRIMARY KEY, action TEXT NOT NULL);
        -- As audit-keeper has it: an index, and an append-only trigger whose function lives in
        -- the audit_keeper schema.
        CREATE INDEX "AuditLog_action_idx" ON "AuditLog" (action);
        CREATE SCHEMA audit_keeper;
        CREATE FUNCTION audit_keeper.refuse_change() RETURNS trigger LANGUAGE plpgsql
          AS $$ BEGIN RAISE EXCEPTION 'AuditLog is append-only'; END $$;
        CREATE TRIGGER "AuditLog_append_only" BEFORE UPDATE OR DELETE ON "AuditLog"
          FOR EACH ROW EXECUTE FUNCTION audit_keeper.refuse_change();
        INSERT INTO "User" (email) SELECT 'u' || g || '@clinic.test' FROM generate_series(1, 10) g;
        INSERT INTO "ClinicalNote" (body) SELECT 'note ' || g FROM generate_series(1, 10) g;
        INSERT INTO "AuditLog" (action) SELECT 'seed ' || g FROM generate_series(1, 10) g;
        """;

  @InjectPostgres EmbeddedPostgresServer postgres;
  @Inject KubernetesClient client;
  @Inject OpsStateWriter writer;

  @BeforeEach
  void freshAppDatabase() {
    writer.update(data -> data.clear());
    postgres.execute(APP, APP_TABLES);
  }

  void insertOneMoreEach() {
    postgres.execute(
        APP,
        """
        INSERT INTO "User" (email) VALUES ('late@clinic.test');
        INSERT INTO "ClinicalNote" (body) VALUES ('written after the backup');
        INSERT INTO "AuditLog" (action) VALUES ('after the backup');
        """);
  }

  long count(String table) throws Exception {
    return scalar("SELECT count(*) FROM \"" + table + "\"");
  }

  long scalar(String sql) throws Exception {
    try (var c = postgres.connect(APP);
        var s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  String mode() {
    var cm = client.configMaps().inNamespace("test").withName("clinical-ops-state").get();
    return cm == null || cm.getData() == null
        ? "normal"
        : cm.getData().getOrDefault("mode", "normal");
  }

  String deployment() {
    String name = "clinic-" + NAMES.incrementAndGet();
    ClusterFixtures.deploymentWithRevisions(
        client,
        name,
        new Rev("registry/app:v1", true, "m1"),
        new Rev("registry/app:v2", true, "m1"),
        new Rev("registry/app:v3", false, "m2"));
    return name;
  }

  void takeBackup(String name) {
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body("{\"name\":\"" + name + "\"}")
        .post("/api/v1/database-backups")
        .then()
        .statusCode(201)
        .body("size", greaterThan(0))
        .body("rowCounts.User", equalTo(10));
  }

  int requestDatabaseRollback(String deployment, String backup) {
    return given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body(databaseRollbackBody(deployment, backup))
        .post("/api/v1/rollbacks")
        .then()
        .statusCode(202)
        .body("kind", equalTo("WITH_DATABASE"))
        .body("toRevision", equalTo(2))
        .extract()
        .path("id");
  }

  /**
   * The deploy pipeline (a service token) cannot fill the backup volume: beyond
   * backups.max-per-hour-for-services it gets 429. A person still can take one.
   */
  @Test
  void servicesAreLimitedToAFewBackupsAnHour() {
    int refusedAt = -1;
    for (int i = 0; i < 8 && refusedAt < 0; i++) {
      int status =
          given()
              .header("Authorization", SERVICE)
              .contentType(ContentType.JSON)
              .body("{\"name\":\"pipeline-" + NAMES.incrementAndGet() + "\"}")
              .post("/api/v1/database-backups")
              .then()
              .extract()
              .statusCode();
      if (status == 429) {
        refusedAt = i;
      } else {
        assertEquals(201, status);
      }
    }
    assertTrue(refusedAt >= 0, "the service is stopped at 6 backups an hour");
    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body("{\"name\":\"pipeline-" + NAMES.incrementAndGet() + "\"}")
        .post("/api/v1/database-backups")
        .then()
        .statusCode(429)
        .contentType(containsString("application/problem+json"))
        .header("Retry-After", org.hamcrest.Matchers.notNullValue())
        .body("detail", containsString("max-per-hour-for-services"));
    takeBackup("by-a-person-" + NAMES.incrementAndGet());
  }

  String databaseRollbackBody(String deployment, String backup) {
    return "{\"deployment\":\""
        + deployment
        + "\",\"reason\":\"v3 migration broke notes\",\"database\":{\"backup\":\""
        + backup
        + "\"}}";
  }

  /**
   * Two Deployments of one app share its database: while a database rollback of one waits for
   * approval, a second one, of the other Deployment, is refused. A service's database rollback
   * never starts by itself.
   */
  @Test
  void oneDatabaseRollbackAtATimeAndAServicesWaitsForAPerson() {
    String web = deployment();
    String worker = deployment();
    String backup = "shared-" + web;
    takeBackup(backup);
    int waiting =
        given()
            .header("Authorization", SERVICE)
            .contentType(ContentType.JSON)
            .body(databaseRollbackBody(web, backup))
            .post("/api/v1/rollbacks")
            .then()
            .statusCode(202)
            .body("status", equalTo("AWAITING_APPROVAL"))
            .body("steps.detail", hasItem(containsString("always waits for a person")))
            .extract()
            .path("id");

    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body(databaseRollbackBody(worker, backup))
        .post("/api/v1/rollbacks")
        .then()
        .statusCode(409)
        .contentType(containsString("application/problem+json"))
        .body("detail", containsString("database rollback " + waiting + " of " + web))
        .body("detail", containsString("one database rollback at a time"));
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/rollbacks?deployment=" + worker)
        .then()
        .body("size()", equalTo(0));

    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body("{\"note\":\"restored by hand\"}")
        .post("/api/v1/rollbacks/" + waiting + "/reject")
        .then()
        .statusCode(200);
    assertEquals("normal", mode(), "nothing started: writes were never stopped");
    assertEquals("registry/app:v3", ClusterFixtures.image(client, web));
  }

  void awaitStatus(int id, String status) {
    await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () ->
                given()
                    .header("Authorization", OPERATOR)
                    .get("/api/v1/rollbacks/" + id)
                    .then()
                    .body("status", equalTo(status)));
  }

  @Test
  void theProcedureRestoresThePreDeployBackupUnderMaintenanceAndResumesWrites() throws Exception {
    String name = deployment();
    String backup = "predeploy-" + name;
    takeBackup(backup);
    insertOneMoreEach();
    assertEquals(11, count("ClinicalNote"));

    int id = requestDatabaseRollback(name, backup);
    // Writes are stopped while the procedure runs (it waits for the rollout here).
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ClusterFixtures.image(client, name).equals("registry/app:v2"));
    assertEquals("maintenance", mode());
    // Rows written after the pre-deploy backup are gone after the restore, but for the audit
    // trail: it is never rolled back, and keeps its trigger.
    assertEquals(10, count("User"));
    assertEquals(10, count("ClinicalNote"));
    assertEquals(11, count("AuditLog"));
    assertEquals(1, scalar("SELECT count(*) FROM \"AuditLog\" WHERE action = 'after the backup'"));
    assertEquals(
        1, scalar("SELECT count(*) FROM pg_trigger WHERE tgname = 'AuditLog_append_only'"));
    ClusterFixtures.completeRollout(client, name);

    awaitStatus(id, "SUCCEEDED");
    assertEquals("normal", mode());
    String backupPath =
        given()
            .header("Authorization", OPERATOR)
            .get("/api/v1/rollbacks/" + id)
            .then()
            .body(
                "steps.findAll { it.outcome == 'done' }.name",
                equalTo(
                    List.of(
                        "MAINTENANCE_ON",
                        "BACKUP",
                        "RESTORE",
                        "DEPLOY",
                        "AWAIT_ROLLOUT",
                        "VERIFY_DATA",
                        "MAINTENANCE_OFF",
                        "VERIFY_HEALTH")))
            .body("steps.find { it.name == 'BACKUP' }.detail", containsString("bytes"))
            .body("rowCountsBefore.ClinicalNote", equalTo(11))
            .body("rowCountsAfter.ClinicalNote", equalTo(10))
            .body("rowCountsAfter.AuditLog", greaterThan(10))
            .body(
                "steps.find { it.name == 'RESTORE' }.detail",
                containsString("left as they are: table \"AuditLog\", schema audit_keeper"))
            .body("backupSize", greaterThan(0))
            .extract()
            .path("backupPath");
    assertTrue(Files.size(Path.of(backupPath)) > 0, "the backup of the state before is kept");
    Number incidentId =
        given().header("Authorization", OPERATOR).get("/api/v1/rollbacks/" + id).path("incidentId");
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/incidents/" + incidentId)
        .then()
        .body("timeline.action", hasItem("rollback.backup"))
        .body("timeline.action", hasItem("rollback.verify_data"))
        .body("status", equalTo("RESOLVED"));
  }

  @Test
  void aFailedVerificationStopsWithMaintenanceOnAndPagesTheCto() throws Exception {
    String name = deployment();
    String backup = "notes-lost-" + name;
    postgres.execute(APP, "DELETE FROM \"ClinicalNote\"");
    takeBackupWithoutNotes(backup);
    postgres.execute(
        APP,
        "INSERT INTO \"ClinicalNote\" (body) SELECT 'note ' || g FROM generate_series(1, 10) g");

    int id = requestDatabaseRollback(name, backup);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ClusterFixtures.image(client, name).equals("registry/app:v2"));
    ClusterFixtures.completeRollout(client, name);
    awaitStatus(id, "FAILED");
    assertEquals("maintenance", mode(), "writes never resume after a failed verification");
    Number incidentId =
        given()
            .header("Authorization", OPERATOR)
            .get("/api/v1/rollbacks/" + id)
            .then()
            .body("error", containsString("ClinicalNote"))
            .body("steps.name", not(hasItem("MAINTENANCE_OFF")))
            .extract()
            .path("incidentId");
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/incidents/" + incidentId)
        .then()
        .log()
        .ifValidationFails()
        .statusCode(200)
        .body("severity", equalTo("P0"))
        .body("status", equalTo("OPEN"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> WebhookReceiverResource.count("cto", String.valueOf(incidentId)) == 1);
  }

  void takeBackupWithoutNotes(String name) {
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body("{\"name\":\"" + name + "\"}")
        .post("/api/v1/database-backups")
        .then()
        .statusCode(201)
        .body("rowCounts.ClinicalNote", equalTo(0));
  }

  /**
   * What a process leaves behind when it dies right after persisting the BACKUP step: maintenance
   * on, the rollback RUNNING at RESTORE with a stale heartbeat. This process takes it over and
   * resumes at RESTORE: maintenance and backup are not done again.
   */
  @Test
  void aProcedureLeftBehindByADeadProcessResumesAtItsNextStep() throws Exception {
    String name = deployment();
    String backup = "predeploy-" + name;
    takeBackup(backup);
    insertOneMoreEach();
    writer.setMode(
        health.clinicalops.opskit.opsstate.Mode.MAINTENANCE,
        "database rollback (crashed)",
        "rollback-orchestrator",
        java.util.Optional.empty());
    long id;
    try (var c = postgres.connect("orchestrator");
        var s = c.createStatement()) {
      ResultSet rs =
          s.executeQuery(
              "INSERT INTO rollback_orchestrator.rollback (deployment, namespace, kind,"
                  + " from_revision, to_revision, reason, dry_run, automatic, requested_by,"
                  + " status, next_step, restore_backup, backup_path, backup_size,"
                  + " row_counts_before, created_at, updated_at, heartbeat_at) VALUES ('"
                  + name
                  + "', 'test', 'WITH_DATABASE', 3, 2, 'crashed run', false, false, 'operator',"
                  + " 'RUNNING', 'RESTORE', '"
                  + backup
                  + "', '/tmp/none.dump', 1,"
                  + " '{\"User\":11,\"ClinicalNote\":11,\"AuditLog\":11}', now(), now(),"
                  + " now() - interval '1 minute') RETURNING id");
      rs.next();
      id = rs.getLong(1);
      s.execute(
          "INSERT INTO rollback_orchestrator.rollback_step (rollback_id, name, outcome, detail, at)"
              + " VALUES ("
              + id
              + ", 'MAINTENANCE_ON', 'done', 'before the crash', now()), ("
              + id
              + ", 'BACKUP', 'done', 'before the crash', now())");
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ClusterFixtures.image(client, name).equals("registry/app:v2"));
    assertEquals(10, count("ClinicalNote"));
    ClusterFixtures.completeRollout(client, name);
    awaitStatus((int) id, "SUCCEEDED");
    assertEquals("normal", mode());
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/rollbacks/" + id)
        .then()
        .body("steps[2].outcome", equalTo("resumed"))
        .body("steps[2].name", equalTo("RESTORE"))
        .body("steps.findAll { it.name == 'BACKUP' }.size()", equalTo(1))
        .body("steps.findAll { it.name == 'MAINTENANCE_ON' }.size()", equalTo(1))
        .body("steps.findAll { it.outcome == 'done' }.name", hasItem("VERIFY_DATA"));
  }
}
