package health.clinicalops.opskit.opsstate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import health.clinicalops.testing.InjectKubernetesApiProxy;
import health.clinicalops.testing.InterruptibleTcpProxy;
import health.clinicalops.testing.KubernetesOutageTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A service that starts while the cluster API is unreachable knows no mode yet: it is not ready
 * (and says {@code mode: unknown}, not a default it would wrongly enforce) and keeps trying, so it
 * becomes ready once the API answers. fabric8's default exception handler would have stopped the
 * informer for good after its first failed list, and the service would never have become ready.
 */
@QuarkusTest
@WithTestResource(
    value = KubernetesOutageTestResource.class,
    initArgs = {
      @ResourceArg(name = "down-at-start", value = "true"),
      // Each failed list reaches the informer at once instead of after ~20 s of request retries.
      @ResourceArg(name = "request-retries", value = "0")
    })
class StartDuringClusterApiOutageTest {

  private static final String OPS_STATE = "checks.find { it.name == 'ops-state' }.";

  @InjectKubernetesApiProxy InterruptibleTcpProxy api;
  @Inject OpsStateWatcher watcher;

  @Test
  void notReadyBeforeTheFirstSyncThenReadyOnceTheApiAnswers() {
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              JsonPath ready = given().get("/q/health/ready").then().extract().jsonPath();
              assertThat(ready.getString(OPS_STATE + "status")).isEqualTo("DOWN");
              assertThat(ready.getBoolean(OPS_STATE + "data.synced")).isFalse();
              assertThat(ready.getString(OPS_STATE + "data.mode")).isEqualTo("unknown");
              assertThat(ready.getBoolean(OPS_STATE + "data.stale")).isFalse();
              given().get("/q/health/live").then().statusCode(200);
              assertThat(ClusterApiOutageTest.metric(OpsStateMetrics.STALE)).isZero();
            });
    assertThat(watcher.hasStoppedForGood()).as("the informer is still trying").isFalse();

    api.restore();
    // The first list is retried with backoff (1 s doubled per attempt, up to 32 s).
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              JsonPath ready = given().get("/q/health/ready").then().extract().jsonPath();
              assertThat(ready.getString(OPS_STATE + "status")).isEqualTo("UP");
              assertThat(ready.getBoolean(OPS_STATE + "data.synced")).isTrue();
              assertThat(ready.getBoolean(OPS_STATE + "data.stale")).isFalse();
            });
  }
}
