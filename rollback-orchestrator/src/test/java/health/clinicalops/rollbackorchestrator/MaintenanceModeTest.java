package health.clinicalops.rollbackorchestrator;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.clinicalops.opskit.opsstate.OpsStateWriter;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Maintenance mode through the ops-state ConfigMap: people, services with leases, kubectl. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
class MaintenanceModeTest {

  static final String SERVICE = "Bearer test-service-token";
  static final String OPERATOR = "Bearer test-operator-token";
  static final String OTHER_SERVICE = "Bearer test-other-service-token";

  @Inject KubernetesClient client;
  @Inject OpsStateWriter writer;

  @BeforeEach
  void normal() {
    writer.update(data -> data.clear());
  }

  String configMapMode() {
    var cm = client.configMaps().inNamespace("test").withName("clinical-ops-state").get();
    return cm == null ? null : cm.getData().get("mode");
  }

  @Test
  void anOperatorSetsMaintenanceWithoutALeaseAndTheAppReadsIt() {
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body("{\"mode\":\"maintenance\",\"reason\":\"restore drill\"}")
        .put("/api/v1/maintenance")
        .then()
        .statusCode(200)
        .body("mode", equalTo("maintenance"))
        .body("leaseExpiresAt", nullValue());
    await().atMost(Duration.ofSeconds(2)).until(() -> "maintenance".equals(configMapMode()));
    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(
            () ->
                given()
                    .header("Authorization", SERVICE)
                    .get("/api/v1/ops-state")
                    .then()
                    .statusCode(200)
                    .body("mode.mode", equalTo("maintenance"))
                    .body("mode.reason", equalTo("restore drill"))
                    .body("data.mode", equalTo("maintenance")));
  }

  void putMode(String token, String mode, Instant leaseUntil, int status) {
    given()
        .header("Authorization", token)
        .contentType(ContentType.JSON)
        .body(
            "{\"mode\":\""
                + mode
                + "\",\"reason\":\"restore\""
                + (leaseUntil == null ? "" : ",\"expiresAt\":\"" + leaseUntil + "\"")
                + "}")
        .put("/api/v1/maintenance")
        .then()
        .statusCode(status);
  }

  /**
   * A mode a service set with a lease is lifted only by that service, an operator, or the lease's
   * expiry: another service cannot re-open writes in the middle of a restore. Anyone may make the
   * mode stricter.
   */
  @Test
  void onlyTheSetterAnOperatorOrTheLeasesExpiryLiftsAMode() {
    Instant lease = Instant.now().plusSeconds(60);
    putMode(SERVICE, "maintenance", lease, 200);

    given()
        .header("Authorization", OTHER_SERVICE)
        .contentType(ContentType.JSON)
        .body("{\"mode\":\"normal\",\"reason\":\"looks fine to me\"}")
        .put("/api/v1/maintenance")
        .then()
        .statusCode(409)
        .contentType(containsString("application/problem+json"))
        .body("detail", containsString("only its setter, an operator or the lease's expiry"));
    putMode(OTHER_SERVICE, "read-only", lease, 409);
    assertEquals("maintenance", configMapMode());

    putMode(SERVICE, "normal", null, 200);
    assertEquals("normal", configMapMode());

    putMode(SERVICE, "read-only", lease, 200);
    putMode(OTHER_SERVICE, "maintenance", lease, 200);
    putMode(SERVICE, "normal", null, 409);
    putMode(OPERATOR, "normal", null, 200);
    assertEquals("normal", configMapMode());
  }

  @Test
  void aServiceNeedsALeaseAndAnExpiredLeaseIsWrittenBackToNormal() {
    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body("{\"mode\":\"read-only\",\"reason\":\"db saturated\"}")
        .put("/api/v1/maintenance")
        .then()
        .statusCode(400)
        .body("detail", containsString("expiresAt"));
    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body(
            "{\"mode\":\"read-only\",\"reason\":\"db saturated\",\"expiresAt\":\""
                + Instant.now().plusSeconds(2)
                + "\"}")
        .put("/api/v1/maintenance")
        .then()
        .statusCode(200)
        .body("mode", equalTo("read-only"))
        .body("leaseExpiresAt", notNullValue());
    await().atMost(Duration.ofSeconds(2)).until(() -> "read-only".equals(configMapMode()));
    await().atMost(Duration.ofSeconds(6)).until(() -> "normal".equals(configMapMode()));
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/maintenance")
        .then()
        .body("mode", equalTo("normal"))
        .body("setBy", equalTo("rollback-orchestrator"))
        .body("reason", containsString("ran out"));
  }

  @Test
  void aKubectlPatchIsFollowed() {
    writer.update(data -> data.put("mode", "normal"));
    client
        .configMaps()
        .inNamespace("test")
        .withName("clinical-ops-state")
        .edit(
            cm ->
                new ConfigMapBuilder(cm)
                    .addToData("mode", "read-only")
                    .addToData("mode.setBy", "alice")
                    .addToData("mode.reason", "manual")
                    .build());
    await()
        .atMost(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                given()
                    .header("Authorization", SERVICE)
                    .get("/api/v1/maintenance")
                    .then()
                    .body("mode", equalTo("read-only"))
                    .body("setBy", equalTo("alice")));
  }

  @Test
  void badRequestsAreRefused() {
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body("{\"mode\":\"panic\",\"reason\":\"x\"}")
        .put("/api/v1/maintenance")
        .then()
        .statusCode(400);
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body("{\"mode\":\"maintenance\"")
        .put("/api/v1/maintenance")
        .then()
        .statusCode(400);
    given().get("/api/v1/ops-state").then().statusCode(401);
  }
}
