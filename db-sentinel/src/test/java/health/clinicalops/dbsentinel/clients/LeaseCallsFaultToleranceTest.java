package health.clinicalops.dbsentinel.clients;

import static org.assertj.core.api.Assertions.assertThat;

import health.clinicalops.dbsentinel.service.LeaseElection;
import health.clinicalops.dbsentinel.testsupport.SentinelDatabasesTestResource;
import health.clinicalops.opskit.opsstate.OpsStateWatcher;
import io.fabric8.kubernetes.api.model.StatusBuilder;
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
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The leader Lease's calls against a cluster API that hangs, fails or answers with conflicts: the
 * replica becomes a follower within the timeout budget, failures open the named breaker, and losing
 * a race (409) is the election working, never counted as a failure.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(SentinelDatabasesTestResource.class)
@TestProfile(LeaseCallsFaultToleranceTest.ShortTimeouts.class)
class LeaseCallsFaultToleranceTest {

  private static final String CALLS = "health.clinicalops.dbsentinel.clients.LeaseCalls";
  private static final long TIMEOUT_MS = 300;
  private static final String LEASE = "ft-lease";

  /** Short timeouts; the sentinel's own election is off so only the test uses the breakers. */
  public static class ShortTimeouts implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          CALLS + "/read/Timeout/value",
          String.valueOf(TIMEOUT_MS),
          CALLS + "/read/Timeout/unit",
          "MILLIS",
          CALLS + "/read/Retry/delay",
          "50",
          CALLS + "/read/Retry/jitter",
          "0",
          CALLS + "/write/Timeout/value",
          String.valueOf(TIMEOUT_MS),
          CALLS + "/write/Timeout/unit",
          "MILLIS",
          "clinicalops.db-sentinel.leader.enabled",
          "false");
    }
  }

  @KubernetesTestServer KubernetesServer server;
  @Inject LeaseCalls calls;
  @Inject OpsStateWatcher watcher;
  @Inject CircuitBreakerMaintenance breakers;

  private LeaseElection election;
  private String leases;

  @BeforeEach
  void election() {
    election =
        new LeaseElection(
            calls,
            watcher.namespace(),
            LEASE,
            "replica-x",
            Duration.ofSeconds(15),
            Clock.systemUTC());
    leases = "/apis/coordination.k8s.io/v1/namespaces/" + watcher.namespace() + "/leases";
  }

  @AfterEach
  void healthyApiAndClosedBreakers() {
    server.getKubernetesMockServer().clearExpectations();
    breakers.resetAll();
  }

  @Test
  void aHungApiMakesTheReplicaAFollowerWithinTheTimeoutBudget() {
    server
        .expect()
        .get()
        .delay(5, TimeUnit.SECONDS)
        .withPath(leases + "/" + LEASE)
        .andReturn(200, "{}")
        .always();

    long started = System.nanoTime();
    boolean leader = election.tryAcquireOrRenew();
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(leader).isFalse();
    // Two attempts of 300 ms and one pause of 50 ms, far below the 5 s the API would take.
    assertThat(took).isBetween(Duration.ofMillis(2 * TIMEOUT_MS), Duration.ofMillis(2000));
  }

  @Test
  void anApiThatKeepsFailingOpensTheReadBreakerAndThenAnswersAtOnce() {
    server.expect().get().withPath(leases + "/" + LEASE).andReturn(503, "overloaded").always();

    assertThat(election.tryAcquireOrRenew()).isFalse();
    assertThat(election.tryAcquireOrRenew()).isFalse();
    assertThat(breakers.currentState(LeaseCalls.READ_BREAKER)).isEqualTo(CircuitBreakerState.OPEN);

    long started = System.nanoTime();
    assertThat(election.tryAcquireOrRenew()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(200));
  }

  @Test
  void lostRacesAreNotFailuresOfTheApi() {
    server
        .expect()
        .post()
        .withPath(leases)
        .andReturn(
            409,
            new StatusBuilder()
                .withStatus("Failure")
                .withReason("AlreadyExists")
                .withCode(409)
                .withMessage("leases \"ft-lease\" already exists")
                .build())
        .times(5);

    for (int round = 0; round < 5; round++) {
      assertThat(election.tryAcquireOrRenew()).isFalse();
    }

    assertThat(breakers.currentState(LeaseCalls.WRITE_BREAKER))
        .isEqualTo(CircuitBreakerState.CLOSED);
    assertThat(election.tryAcquireOrRenew()).isTrue();
    assertThat(election.holder()).contains("replica-x");
  }
}
