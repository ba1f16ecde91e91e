package health.clinicalops.opskit.opsstate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.StatusBuilder;
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
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ops-state ConfigMap's calls against a cluster API that hangs, fails or conflicts: a hung call
 * ends at its timeout, failures open the named breaker, and a 409 is left to the caller's
 * read-modify-write loop without being retried or counted.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(OpsStateCallsFaultToleranceTest.ShortTimeouts.class)
class OpsStateCallsFaultToleranceTest {

  private static final String CALLS = "health.clinicalops.opskit.opsstate.OpsStateCalls";
  private static final long TIMEOUT_MS = 300;

  /** Timeouts and retry delays short enough to watch them run out. */
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
          "MILLIS");
    }
  }

  @KubernetesTestServer KubernetesServer server;
  @Inject OpsStateWriter writer;
  @Inject OpsStateWatcher watcher;
  @Inject CircuitBreakerMaintenance breakers;

  private String path;

  @BeforeEach
  void normalState() {
    writer.update(
        data -> {
          data.clear();
          data.put(OpsStateKeys.MODE, Mode.NORMAL.wireValue());
        });
    path = "/api/v1/namespaces/" + watcher.namespace() + "/configmaps/clinical-ops-state";
  }

  @AfterEach
  void healthyApiAndClosedBreakers() {
    server.getKubernetesMockServer().clearExpectations();
    breakers.resetAll();
  }

  @Test
  void aHungApiEndsEachReadAtItsTimeoutAndRetriesTwice() {
    server.expect().get().delay(5, TimeUnit.SECONDS).withPath(path).andReturn(200, "{}").always();

    long started = System.nanoTime();
    assertThatThrownBy(writer::read).isInstanceOf(TimeoutException.class);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    // Three attempts of 300 ms and two pauses of 50 ms, far below the 5 s the API would take.
    assertThat(took).isBetween(Duration.ofMillis(3 * TIMEOUT_MS), Duration.ofMillis(2500));
  }

  @Test
  void anApiThatKeepsFailingOpensTheReadBreakerAndThenFailsAtOnce() {
    server.expect().get().withPath(path).andReturn(503, "overloaded").always();

    for (int call = 0; call < 2; call++) {
      assertThatThrownBy(writer::read).isInstanceOf(RuntimeException.class);
    }
    assertThat(breakers.currentState(OpsStateCalls.READ_BREAKER))
        .isEqualTo(CircuitBreakerState.OPEN);

    long started = System.nanoTime();
    assertThatThrownBy(writer::read).isInstanceOf(CircuitBreakerOpenException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(200));
  }

  @Test
  void failingWritesOpenTheWriteBreakerButNotTheReadOne() {
    server.expect().put().withPath(path).andReturn(500, "etcd unavailable").always();

    for (int call = 0; call < 4; call++) {
      assertThatThrownBy(() -> writer.setDatabaseTarget(DatabaseTarget.BACKUP))
          .isInstanceOf(RuntimeException.class)
          .isNotInstanceOf(OpsStateConflictException.class);
    }

    assertThat(breakers.currentState(OpsStateCalls.WRITE_BREAKER))
        .isEqualTo(CircuitBreakerState.OPEN);
    assertThat(breakers.currentState(OpsStateCalls.READ_BREAKER))
        .isEqualTo(CircuitBreakerState.CLOSED);
    assertThat(writer.read().databaseTarget()).isEqualTo(DatabaseTarget.PRIMARY);
  }

  @Test
  void conflictsAreReReadByTheCallerAndNeverCountAgainstTheBreaker() {
    server
        .expect()
        .put()
        .withPath(path)
        .andReturn(
            409,
            new StatusBuilder()
                .withStatus("Failure")
                .withReason("Conflict")
                .withCode(409)
                .withMessage("the object has been modified")
                .build())
        .times(6);

    OpsState written = writer.setDatabaseTarget(DatabaseTarget.BACKUP);

    assertThat(written.databaseTarget()).isEqualTo(DatabaseTarget.BACKUP);
    assertThat(writer.read().databaseTarget()).isEqualTo(DatabaseTarget.BACKUP);
    // Six of seven writes refused: as failures they would have opened it (threshold 4, ratio 0.75).
    assertThat(breakers.currentState(OpsStateCalls.WRITE_BREAKER))
        .isEqualTo(CircuitBreakerState.CLOSED);
  }
}
