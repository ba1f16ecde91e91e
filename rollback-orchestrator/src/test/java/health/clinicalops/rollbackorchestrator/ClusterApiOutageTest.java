package health.clinicalops.rollbackorchestrator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import health.clinicalops.opskit.opsstate.Mode;
import health.clinicalops.opskit.opsstate.OpsStateWatcher;
import health.clinicalops.opskit.opsstate.OpsStateWriter;
import health.clinicalops.testing.InjectKubernetesApiProxy;
import health.clinicalops.testing.InterruptibleTcpProxy;
import health.clinicalops.testing.KubernetesOutageTestResource;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 6 for the controller: while the cluster API is away, rollback-orchestrator stays
 * ready and alive (no restart in the middle of a rollback), enforces and serves the last known
 * mode, still records incidents, and says that the API is unreachable and its state stale; when the
 * API returns it converges.
 */
@QuarkusTest
@WithTestResource(KubernetesOutageTestResource.class)
@WithTestResource(OrchestratorPostgresResource.class)
class ClusterApiOutageTest {

  static final String OPERATOR = "Bearer test-operator-token";
  static final String SERVICE = "Bearer test-service-token";

  @InjectKubernetesApiProxy InterruptibleTcpProxy api;
  @KubernetesTestServer KubernetesServer server;
  @Inject OpsStateWatcher watcher;
  @Inject OpsStateWriter writer;

  @BeforeEach
  void apiUpAndNormalMode() {
    api.restore();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(watcher.isWatching()).as("watch connected").isTrue());
    writer.update(data -> data.clear());
  }

  @AfterEach
  void apiBack() {
    api.restore();
  }

  @Test
  void theOrchestratorStaysReadyAliveAndInMaintenanceThroughAnOutageAndConvergesAfter() {
    putMode("maintenance");
    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(() -> assertThat(opsStateMode()).isEqualTo("maintenance"));
    JsonPath before = health("/q/health/ready");
    assertThat(before.getString(check("cluster-api") + "data.clusterApi")).isEqualTo("reachable");
    assertThat(before.getBoolean(check("ops-state") + "data.stale")).isFalse();

    api.cut();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(watcher.freshness().stale()).as("stale").isTrue());
    // An operator lifts maintenance with kubectl, which still reaches the API; this pod cannot see
    // it and keeps enforcing the last mode it knows.
    server
        .getClient()
        .configMaps()
        .inNamespace(watcher.namespace())
        .withName("clinical-ops-state")
        .edit(
            cm ->
                new ConfigMapBuilder(cm)
                    .addToData(Map.of("mode", "normal", "mode.setBy", "bob"))
                    .build());

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              JsonPath ready = health("/q/health/ready");
              assertThat(ready.getString("status")).as("readiness").isEqualTo("UP");
              assertThat(ready.getString(check("ops-state") + "data.mode"))
                  .isEqualTo("maintenance");
              assertThat(ready.getBoolean(check("ops-state") + "data.stale")).isTrue();
              assertThat(Instant.parse(ready.getString(check("ops-state") + "data.staleSince")))
                  .isNotNull();
              assertThat(ready.getString(check("cluster-api") + "status")).isEqualTo("UP");
              assertThat(ready.getString(check("cluster-api") + "data.clusterApi"))
                  .isEqualTo("unreachable");
              JsonPath live = health("/q/health/live");
              assertThat(live.getString("status")).as("liveness").isEqualTo("UP");
              assertThat(live.getString(check("ops-state-informer") + "status")).isEqualTo("UP");
              assertThat(metric("clinicalops_ops_state_stale")).isEqualTo(1.0);
              assertThat(opsStateMode()).as("what the app reads").isEqualTo("maintenance");
              assertThat(watcher.effectiveMode()).isEqualTo(Mode.MAINTENANCE);
            });
    // Its own job goes on without the cluster API: an incident is recorded.
    given()
        .header("Authorization", IncidentApiTest.AUDIT_KEEPER)
        .contentType(ContentType.JSON)
        .body(IncidentApiTest.report("outage-" + UUID.randomUUID(), "P3", ""))
        .post("/api/v1/incidents")
        .then()
        .statusCode(201);

    api.restore();
    // fabric8 reconnects with backoff (1 s, doubled per attempt): a few seconds here.
    await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () -> {
              assertThat(opsStateMode()).as("the change made meanwhile").isEqualTo("normal");
              JsonPath ready = health("/q/health/ready");
              assertThat(ready.getBoolean(check("ops-state") + "data.stale")).isFalse();
              assertThat(ready.getString(check("ops-state") + "data.staleSince")).isNull();
              assertThat(ready.getString(check("cluster-api") + "data.clusterApi"))
                  .isEqualTo("reachable");
              assertThat(metric("clinicalops_ops_state_stale")).isZero();
            });

    // A change made after the API returned goes through and is followed as usual.
    putMode("read-only");
    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(() -> assertThat(opsStateMode()).isEqualTo("read-only"));
  }

  private static void putMode(String mode) {
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body("{\"mode\":\"" + mode + "\",\"reason\":\"outage drill\"}")
        .put("/api/v1/maintenance")
        .then()
        .statusCode(200);
  }

  /** The mode rollback-orchestrator serves to the clinical app ({@code GET /api/v1/ops-state}). */
  private static String opsStateMode() {
    return given()
        .header("Authorization", SERVICE)
        .get("/api/v1/ops-state")
        .then()
        .statusCode(200)
        .extract()
        .path("mode.mode");
  }

  private static String check(String name) {
    return "checks.find { it.name == '" + name + "' }.";
  }

  private static JsonPath health(String path) {
    return given().get(path).then().extract().jsonPath();
  }

  private static double metric(String name) {
    String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
    return scrape
        .lines()
        .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
        .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in /q/metrics"));
  }
}
