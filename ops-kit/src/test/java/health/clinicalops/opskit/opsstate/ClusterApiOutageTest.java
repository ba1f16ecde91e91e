package health.clinicalops.opskit.opsstate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import health.clinicalops.testing.InjectKubernetesApiProxy;
import health.clinicalops.testing.InterruptibleTcpProxy;
import health.clinicalops.testing.KubernetesOutageTestResource;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 6, "a Kubernetes API outage changes nothing that works": the cluster API goes away
 * for a while (a proxy in front of the test server refuses connections and resets the watch), and
 * the service stays ready with its last known ops state, marked stale in readiness and in the
 * metric; liveness stays UP; when the API returns the state converges and the mark clears.
 */
@QuarkusTest
@WithTestResource(KubernetesOutageTestResource.class)
class ClusterApiOutageTest {

  private static final String OPS_STATE = "checks.find { it.name == 'ops-state' }.";

  @InjectKubernetesApiProxy InterruptibleTcpProxy api;
  @KubernetesTestServer KubernetesServer server;
  @Inject OpsStateWriter writer;
  @Inject OpsStateWatcher watcher;

  @BeforeEach
  void apiUpAndNormalMode() {
    api.restore();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(watcher.isWatching()).as("watch connected").isTrue());
    writer.update(
        data -> {
          data.clear();
          data.put(OpsStateKeys.MODE, Mode.NORMAL.wireValue());
        });
    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(() -> assertThat(watcher.effectiveMode()).isEqualTo(Mode.NORMAL));
  }

  @AfterEach
  void apiBack() {
    api.restore();
  }

  @Test
  void theServiceStaysReadyWithItsLastKnownModeAndConvergesWhenTheApiReturns() {
    writer.setMode(Mode.MAINTENANCE, "restore in progress", "alice", Optional.empty());
    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(() -> assertThat(watcher.effectiveMode()).isEqualTo(Mode.MAINTENANCE));
    assertThat(readiness().getBoolean(OPS_STATE + "data.stale")).isFalse();
    assertThat(metric(OpsStateMetrics.STALE)).isZero();

    Instant cutAt = Instant.now();
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
                    .addToData(Map.of("mode", "read-only", "mode.setBy", "bob"))
                    .build());

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              JsonPath ready = readiness();
              assertThat(ready.getString("status")).isEqualTo("UP");
              assertThat(ready.getString(OPS_STATE + "status")).isEqualTo("UP");
              assertThat(ready.getBoolean(OPS_STATE + "data.stale")).isTrue();
              assertThat(ready.getBoolean(OPS_STATE + "data.watching")).isFalse();
              assertThat(ready.getString(OPS_STATE + "data.mode")).isEqualTo("maintenance");
              assertThat(Instant.parse(ready.getString(OPS_STATE + "data.staleSince")))
                  .isBefore(cutAt.plusSeconds(1));
              given().get("/q/health/live").then().statusCode(200);
              assertThat(metric(OpsStateMetrics.STALE)).isEqualTo(1.0);
              assertThat(metric(OpsStateMetrics.STALE_SECONDS)).isPositive();
              assertThat(watcher.effectiveMode()).isEqualTo(Mode.MAINTENANCE);
              assertThat(watcher.hasStoppedForGood()).isFalse();
            });

    api.restore();
    // fabric8 reconnects with backoff (1 s, doubled per attempt): a few seconds here.
    await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () -> {
              assertThat(watcher.effectiveMode())
                  .as("the change made meanwhile")
                  .isEqualTo(Mode.READ_ONLY);
              JsonPath ready = readiness();
              assertThat(ready.getBoolean(OPS_STATE + "data.stale")).isFalse();
              assertThat(ready.getString(OPS_STATE + "data.staleSince")).isNull();
              assertThat(ready.getString(OPS_STATE + "data.mode")).isEqualTo("read-only");
              assertThat(metric(OpsStateMetrics.STALE)).isZero();
              assertThat(metric(OpsStateMetrics.STALE_SECONDS)).isZero();
            });

    // A change made after the API returned arrives as usual, within a second.
    writer.setMode(Mode.NORMAL, "restore done", "bob", Optional.empty());
    await()
        .atMost(Duration.ofSeconds(1))
        .untilAsserted(() -> assertThat(watcher.effectiveMode()).isEqualTo(Mode.NORMAL));
  }

  /**
   * The one case a restart helps: the informer stopped without the watcher stopping it. Readiness
   * stays UP with the last known state and says so; the watcher reports it for liveness checks.
   */
  @Test
  void anInformerThatStoppedForGoodIsReportedNotHidden() {
    assertThat(watcher.hasStoppedForGood()).isFalse();
    try {
      watcher.informer().stop();
      await()
          .atMost(Duration.ofSeconds(2))
          .untilAsserted(
              () -> {
                assertThat(watcher.hasStoppedForGood()).isTrue();
                JsonPath ready = readiness();
                assertThat(ready.getString(OPS_STATE + "status")).isEqualTo("UP");
                assertThat(ready.getString(OPS_STATE + "data.informer")).isEqualTo("stopped");
                assertThat(ready.getBoolean(OPS_STATE + "data.stale")).isTrue();
              });
    } finally {
      watcher.stop();
      watcher.start();
    }
  }

  private static JsonPath readiness() {
    return given().get("/q/health/ready").then().extract().jsonPath();
  }

  /** The value of an untagged meter in {@code /q/metrics}. */
  static double metric(String name) {
    String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
    return scrape
        .lines()
        .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
        .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in /q/metrics"));
  }
}
