package health.clinicalops.rollbackorchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.clinicalops.rollbackorchestrator.ClusterFixtures.Rev;
import health.clinicalops.rollbackorchestrator.rollback.service.DeploymentCalls;
import health.clinicalops.rollbackorchestrator.rollback.service.DeploymentRollout;
import health.clinicalops.rollbackorchestrator.rollback.service.ReleaseHistory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The app's Deployments through a cluster API that hangs or fails: a read ends within its timeout
 * budget, failures open the named breaker, and an outage shorter than the progress deadline does
 * not fail a rollout that is going well.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
@TestProfile(DeploymentCallsFaultToleranceTest.ShortTimeouts.class)
class DeploymentCallsFaultToleranceTest {

  private static final String CALLS =
      "health.clinicalops.rollbackorchestrator.rollback.service.DeploymentCalls";
  private static final long TIMEOUT_MS = 300;
  private static final AtomicInteger NAMES = new AtomicInteger();

  /** Short timeouts and a short breaker delay, for the reads of a Deployment. */
  public static class ShortTimeouts implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          CALLS + "/deployment/Timeout/value", String.valueOf(TIMEOUT_MS),
          CALLS + "/deployment/Timeout/unit", "MILLIS",
          CALLS + "/deployment/Retry/delay", "50",
          CALLS + "/deployment/Retry/jitter", "0",
          CALLS + "/deployment/CircuitBreaker/delay", "1000");
    }
  }

  @KubernetesTestServer KubernetesServer server;
  @Inject KubernetesClient client;
  @Inject ReleaseHistory history;
  @Inject DeploymentRollout rollout;
  @Inject CircuitBreakerMaintenance breakers;

  @AfterEach
  void healthyApiAndClosedBreakers() {
    server.getKubernetesMockServer().clearExpectations();
    breakers.resetAll();
  }

  @Test
  void aHungApiEndsTheReadWithinTheTimeoutBudget() {
    String name = deployment();
    server
        .expect()
        .get()
        .delay(5, TimeUnit.SECONDS)
        .withPath(path(name))
        .andReturn(200, "{}")
        .always();

    long started = System.nanoTime();
    assertThatThrownBy(() -> history.of(ClusterFixtures.NAMESPACE, name))
        .isInstanceOf(org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException.class);
    // Three attempts of 300 ms and two pauses of 50 ms, far below the 5 s the API would take.
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isBetween(Duration.ofMillis(3 * TIMEOUT_MS), Duration.ofMillis(3000));
  }

  @Test
  void anApiThatKeepsFailingOpensTheReadBreakerAndThenAnswersAtOnce() {
    String name = deployment();
    server.expect().get().withPath(path(name)).andReturn(503, "overloaded").always();

    assertThatThrownBy(() -> history.of(ClusterFixtures.NAMESPACE, name));
    assertThatThrownBy(() -> history.of(ClusterFixtures.NAMESPACE, name));
    assertThat(breakers.currentState(DeploymentCalls.DEPLOYMENT_READ_BREAKER))
        .isEqualTo(CircuitBreakerState.OPEN);

    long started = System.nanoTime();
    assertThatThrownBy(() -> history.of(ClusterFixtures.NAMESPACE, name))
        .isInstanceOf(
            org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(200));
  }

  @Test
  void anApiOutageShorterThanTheDeadlineDoesNotFailARolloutGoingWell() throws Exception {
    String name = deployment();
    ClusterFixtures.completeRollout(client, name);
    long generation =
        client
            .apps()
            .deployments()
            .inNamespace(ClusterFixtures.NAMESPACE)
            .withName(name)
            .get()
            .getMetadata()
            .getGeneration();
    // two polls' worth of failing reads (three attempts each), enough to open the breaker
    server.expect().get().withPath(path(name)).andReturn(503, "overloaded").times(6);

    String done = rollout.awaitRollout(ClusterFixtures.NAMESPACE, name, generation);

    assertThat(done).startsWith("observedGeneration " + generation + "/" + generation);
  }

  private String deployment() {
    String name = "ft-web-" + NAMES.incrementAndGet();
    ClusterFixtures.deploymentWithRevisions(
        client,
        name,
        new Rev("registry/app:v1", true, "1"),
        new Rev("registry/app:v2", false, "1"));
    return name;
  }

  private static String path(String name) {
    return "/apis/apps/v1/namespaces/" + ClusterFixtures.NAMESPACE + "/deployments/" + name;
  }
}
