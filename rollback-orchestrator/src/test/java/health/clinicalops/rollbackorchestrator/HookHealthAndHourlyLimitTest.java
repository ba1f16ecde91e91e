package health.clinicalops.rollbackorchestrator;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import health.clinicalops.opskit.opsstate.OpsStateWriter;
import health.clinicalops.rollbackorchestrator.ClusterFixtures.Rev;
import health.clinicalops.rollbackorchestrator.rollback.service.RestoreHookClient;
import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.InjectPostgres;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The settings the other classes leave at their defaults, in one app start: the database procedure
 * restoring through the point-in-time-restore HTTP hook, the health URL checked after a rollback,
 * and a low hourly limit of automatic rollbacks ({@code max-automatic-per-hour=2}). The hook and
 * the health URL are real HTTP endpoints of the test app ({@link RestoreHookAndHealthResource}).
 */
@QuarkusTest
@TestProfile(HookHealthAndHourlyLimitTest.Profile.class)
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
class HookHealthAndHourlyLimitTest {

  /**
   * Restore by hook (its timeout shortened to 3 s), a health URL, two automatic rollbacks an hour.
   * {@link HookRestoreClientTest} uses it too.
   */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      String prefix = "clinicalops.rollback-orchestrator.";
      String hookTimeout = RestoreHookClient.class.getName() + "/restore/Timeout/";
      return Map.of(
          prefix + "database-rollback.restore-method", "http-hook",
          prefix + "database-rollback.restore-hook-url",
              "http://localhost:18085/test-hooks/restore",
          prefix + "rollback.health-url", "http://localhost:18085/test-hooks/health",
          prefix + "rollback.max-automatic-per-hour", "2",
          hookTimeout + "value", "3000",
          hookTimeout + "unit", "MILLIS");
    }
  }

  static final String SERVICE = "Bearer test-service-token";
  static final String OPERATOR = "Bearer test-operator-token";
  static final String APP = OrchestratorPostgresResource.APP_DATABASE;
  static final AtomicInteger NAMES = new AtomicInteger();

  @InjectPostgres EmbeddedPostgresServer postgres;
  @Inject KubernetesClient client;
  @Inject OpsStateWriter writer;

  @BeforeEach
  void freshState() {
    CircuitBreakerMaintenance.get().resetAll();
    writer.update(data -> data.clear());
    RestoreHookAndHealthResource.RESTORE_CALLS.clear();
    RestoreHookAndHealthResource.RESTORE_STATUS.set(204);
    RestoreHookAndHealthResource.HEALTH_STATUS.set(200);
    RestoreHookAndHealthResource.HEALTH_CALLS.set(0);
    postgres.execute(
        APP,
        """
        DROP TABLE IF EXISTS "User", "ClinicalNote", "AuditLog";
        CREATE TABLE "User" (id SERIAL PRIMARY KEY, email TEXT NOT NULL);
        CREATE TABLE "ClinicalNote" (id SERIAL PRIMARY KEY, body TEXT NOT NULL);
        CREATE TABLE "AuditLog" (id SERIAL PRIMARY KEY, action TEXT NOT NULL);
        INSERT INTO "User" (email) SELECT 'u' || g || '@clinic.test' FROM generate_series(1, 10) g;
        INSERT INTO "ClinicalNote" (body) SELECT 'note ' || g FROM generate_series(1, 10) g;
        INSERT INTO "AuditLog" (action) SELECT 'seed ' || g FROM generate_series(1, 10) g;
        INSERT INTO "ClinicalNote" (body) VALUES ('written by the bad release');
        """);
  }

  @AfterEach
  void healthyAgain() {
    RestoreHookAndHealthResource.RESTORE_STATUS.set(204);
    RestoreHookAndHealthResource.HEALTH_STATUS.set(200);
  }

  String deployment(String schemaOfBad) {
    String name = "hooked-" + NAMES.incrementAndGet();
    ClusterFixtures.deploymentWithRevisions(
        client,
        name,
        new Rev("registry/app:v1", true, "m1"),
        new Rev("registry/app:v2", true, "m1"),
        new Rev("registry/app:v3", false, schemaOfBad));
    return name;
  }

  long count(String table) throws Exception {
    try (var c = postgres.connect(APP);
        var s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
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

  int requestPointInTimeRollback(String deployment, String pointInTime) {
    return given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body(
            "{\"deployment\":\""
                + deployment
                + "\",\"reason\":\"v3 corrupted notes\",\"database\":{\"pointInTime\":\""
                + pointInTime
                + "\"}}")
        .post("/api/v1/rollbacks")
        .then()
        .statusCode(202)
        .body("kind", equalTo("WITH_DATABASE"))
        .extract()
        .path("id");
  }

  int requestCodeOnly(String auth, String deployment, int expectedStatus) {
    return given()
        .header("Authorization", auth)
        .contentType(ContentType.JSON)
        .body("{\"deployment\":\"" + deployment + "\",\"reason\":\"error spike after v3\"}")
        .post("/api/v1/rollbacks")
        .then()
        .statusCode(expectedStatus)
        .extract()
        .jsonPath()
        .getInt("id");
  }

  @Test
  void theRestoreHookIsCalledUnderMaintenanceAndTheProcedureCarriesOn() throws Exception {
    String name = deployment("m2");
    assertEquals(11, count("ClinicalNote"));
    String pointInTime = "2026-11-27T05:00:00Z";
    int id = requestPointInTimeRollback(name, pointInTime);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ClusterFixtures.image(client, name).equals("registry/app:v2"));
    assertEquals("maintenance", mode(), "writes stay off while the procedure waits");
    assertEquals(1, RestoreHookAndHealthResource.RESTORE_CALLS.size());
    JsonNode call = RestoreHookAndHealthResource.RESTORE_CALLS.get(0);
    assertEquals(APP, call.path("database").asText());
    assertEquals(pointInTime, call.path("pointInTime").asText());
    assertEquals(id, call.path("rollbackId").asInt());
    assertEquals(10, count("ClinicalNote"), "the hook restored the database");
    ClusterFixtures.completeRollout(client, name);

    awaitStatus(id, "SUCCEEDED");
    assertEquals("normal", mode());
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
        .body(
            "steps.find { it.name == 'RESTORE' }.detail",
            containsString("point-in-time restore to " + pointInTime))
        .body("rowCountsBefore.ClinicalNote", equalTo(11))
        .body("rowCountsAfter.ClinicalNote", equalTo(10));
    assertEquals(1, RestoreHookAndHealthResource.RESTORE_CALLS.size(), "called exactly once");
  }

  @Test
  void aRestoreHookAnswering5xxStopsTheProcedureWithMaintenanceOn() throws Exception {
    RestoreHookAndHealthResource.RESTORE_STATUS.set(503);
    String name = deployment("m2");
    int id = requestPointInTimeRollback(name, "2026-11-27T05:00:00Z");

    awaitStatus(id, "FAILED");
    assertEquals("maintenance", mode(), "writes never resume after a failed restore");
    assertEquals("registry/app:v3", ClusterFixtures.image(client, name), "nothing deployed");
    assertEquals(11, count("ClinicalNote"));
    assertEquals(1, RestoreHookAndHealthResource.RESTORE_CALLS.size());
    Number incidentId =
        given()
            .header("Authorization", OPERATOR)
            .get("/api/v1/rollbacks/" + id)
            .then()
            .body("error", containsString("restore hook answered 503"))
            .body("error", containsString("maintenance mode ON"))
            .body("steps.find { it.outcome == 'failed' }.name", equalTo("RESTORE"))
            .body("steps.name", not(hasItem("DEPLOY")))
            .body("steps.name", not(hasItem("MAINTENANCE_OFF")))
            .extract()
            .path("incidentId");
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/incidents/" + incidentId)
        .then()
        .statusCode(200)
        .body("severity", equalTo("P0"))
        .body("status", equalTo("OPEN"));
  }

  @Test
  void aPointInTimeRollbackWithoutAPointInTimeIsRefused() {
    String name = deployment("m2");
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body(
            "{\"deployment\":\""
                + name
                + "\",\"reason\":\"v3\",\"database\":{\"backup\":\"predeploy\"}}")
        .post("/api/v1/rollbacks")
        .then()
        .statusCode(400)
        .body("detail", containsString("pointInTime"));
    assertTrue(RestoreHookAndHealthResource.RESTORE_CALLS.isEmpty());
  }

  @Test
  void afterACodeOnlyRollbackTheHealthUrlIsChecked() {
    String name = deployment("m1");
    int id = requestCodeOnly(OPERATOR, name, 202);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ClusterFixtures.image(client, name).equals("registry/app:v2"));
    ClusterFixtures.completeRollout(client, name);
    awaitStatus(id, "SUCCEEDED");
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/rollbacks/" + id)
        .then()
        .body(
            "steps.find { it.name == 'VERIFY_HEALTH' }.detail",
            equalTo("http://localhost:18085/test-hooks/health answered 200"));
    assertTrue(RestoreHookAndHealthResource.HEALTH_CALLS.get() >= 1);
  }

  @Test
  void aFailingHealthUrlIsReportedAsAFailedStep() {
    RestoreHookAndHealthResource.HEALTH_STATUS.set(503);
    String name = deployment("m1");
    int id = requestCodeOnly(OPERATOR, name, 202);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ClusterFixtures.image(client, name).equals("registry/app:v2"));
    ClusterFixtures.completeRollout(client, name);
    awaitStatus(id, "FAILED");
    assertEquals(3, RestoreHookAndHealthResource.HEALTH_CALLS.get(), "asked three times");
    Number incidentId =
        given()
            .header("Authorization", OPERATOR)
            .get("/api/v1/rollbacks/" + id)
            .then()
            .body("error", containsString("health check failed"))
            .body("error", containsString("answered 503"))
            .body("steps.find { it.outcome == 'failed' }.name", equalTo("VERIFY_HEALTH"))
            .body("steps.name", not(hasItem("DONE")))
            .extract()
            .path("incidentId");
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/incidents/" + incidentId)
        .then()
        .statusCode(200)
        .body("severity", equalTo("P1"))
        .body("status", equalTo("OPEN"))
        .body("timeline.detail", hasItem(containsString("health check failed")));
  }

  /**
   * Only this test asks with the service token, and this class has its own app and database, so the
   * count of automatic rollbacks in the last hour starts at zero here.
   */
  @Test
  void automaticRollbacksBeyondTheHourlyLimitAreRefusedButPeopleStillDecide() {
    int first = requestCodeOnly(SERVICE, deployment("m1"), 202);
    requestCodeOnly(SERVICE, deployment("m1"), 202);
    String third = deployment("m1");
    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body("{\"deployment\":\"" + third + "\",\"reason\":\"error spike after v3\"}")
        .post("/api/v1/rollbacks")
        .then()
        .statusCode(409)
        .contentType(containsString("application/problem+json"))
        .body("detail", containsString("already 2 automatic rollbacks in the last hour"));
    given()
        .header("Authorization", SERVICE)
        .get("/api/v1/rollbacks?deployment=" + third)
        .then()
        .statusCode(200)
        .body("size()", equalTo(0));

    // A person's request is not an automatic one: it runs.
    int byOperator = requestCodeOnly(OPERATOR, third, 202);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ClusterFixtures.image(client, third).equals("registry/app:v2"));
    ClusterFixtures.completeRollout(client, third);
    awaitStatus(byOperator, "SUCCEEDED");
    // ...but still follows its own rules: the cooldown of that Deployment.
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body("{\"deployment\":\"" + third + "\",\"reason\":\"again\"}")
        .post("/api/v1/rollbacks")
        .then()
        .statusCode(409)
        .body("detail", containsString("cooldown"));

    // A rejected recommendation does not count: rejecting one frees a place.
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body("{\"note\":\"not needed\"}")
        .post("/api/v1/rollbacks/" + first + "/reject")
        .then()
        .statusCode(200)
        .body("status", equalTo("REJECTED"));
    requestCodeOnly(SERVICE, deployment("m1"), 202);
    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body("{\"deployment\":\"" + deployment("m1") + "\",\"reason\":\"error spike\"}")
        .post("/api/v1/rollbacks")
        .then()
        .statusCode(409);
  }
}
