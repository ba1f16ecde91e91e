package health.clinicalops.opskit.clients;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import health.clinicalops.opskit.ServiceNames;
import health.clinicalops.opskit.testapp.StandInOrchestrator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The calls to peers against real local sockets: an orchestrator that hangs, one that refuses
 * connections, and a db-sentinel nobody listens for.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(StandInOrchestrator.class)
@TestProfile(OutboundCallsFaultToleranceTest.ShortTimeouts.class)
class OutboundCallsFaultToleranceTest {

  private static final String CALLS = "health.clinicalops.opskit.clients.OutboundCalls";
  private static final long TIMEOUT_MS = 500;

  /** Timeouts and retry delays short enough to watch them run out. */
  public static class ShortTimeouts implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          CALLS + "/requestRollback/Timeout/value", String.valueOf(TIMEOUT_MS),
          CALLS + "/requestRollback/Timeout/unit", "MILLIS",
          CALLS + "/requestRollback/Retry/delay", "50",
          CALLS + "/requestRollback/Retry/jitter", "0",
          CALLS + "/databaseStatus/Retry/delay", "50",
          CALLS + "/databaseStatus/Retry/jitter", "0");
    }
  }

  @Inject OutboundCalls calls;
  @Inject CircuitBreakerMaintenance breakers;

  @AfterEach
  void listeningAndClosedBreakers() {
    StandInOrchestrator.listen();
    breakers.resetAll();
  }

  private static RollbackRequest rollback() {
    return RollbackRequest.codeOnly("clinical-app", 7L, "error spike after deploy", true);
  }

  @Test
  void anAnsweringOrchestratorGetsTheRequestOnce() {
    RollbackAnswer answer = calls.requestRollback(rollback());

    assertThat(answer.status()).isEqualTo("AWAITING_APPROVAL");
    assertThat(StandInOrchestrator.received()).isEqualTo(1);
  }

  @Test
  void aHungOrchestratorEndsAtTheTimeoutAndTheRequestIsNotSentAgain() {
    StandInOrchestrator.hang();

    long started = System.nanoTime();
    assertThatThrownBy(() -> calls.requestRollback(rollback()))
        .isInstanceOf(TimeoutException.class);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(took).isBetween(Duration.ofMillis(TIMEOUT_MS), Duration.ofMillis(2 * TIMEOUT_MS));
    // It may have arrived: a second one could start a second rollback (or be refused as one).
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(1))
        .untilAsserted(() -> assertThat(StandInOrchestrator.received()).isEqualTo(1));
  }

  @Test
  void aRefusedConnectionIsRetriedBecauseNothingWasSent() {
    StandInOrchestrator.refuse();
    double retriesBefore = retries("requestRollback");

    assertThatThrownBy(() -> calls.requestRollback(rollback()))
        .isInstanceOf(ProcessingException.class);

    assertThat(retries("requestRollback") - retriesBefore).isEqualTo(2.0);
  }

  @Test
  void anOrchestratorThatKeepsRefusingOpensTheRollbackBreaker() {
    StandInOrchestrator.refuse();

    for (int call = 0; call < 2; call++) {
      assertThatThrownBy(() -> calls.requestRollback(rollback())).isNotNull();
    }

    assertThat(breakers.currentState(OutboundCalls.ROLLBACKS_BREAKER))
        .isEqualTo(CircuitBreakerState.OPEN);
    StandInOrchestrator.listen();
    assertThatThrownBy(() -> calls.requestRollback(rollback()))
        .isInstanceOf(CircuitBreakerOpenException.class);
    assertThat(StandInOrchestrator.received()).isZero();
  }

  @Test
  void anUnreachableDbSentinelIsUnknownAndItsBreakerOpens() {
    double retriesBefore = retries("databaseStatus");

    assertThat(calls.databaseStatus().state()).isEqualTo("unknown");
    assertThat(retries("databaseStatus") - retriesBefore).isEqualTo(2.0);
    assertThat(calls.databaseStatus().state()).isEqualTo("unknown");

    assertThat(breakers.currentState(ServiceNames.DB_SENTINEL)).isEqualTo(CircuitBreakerState.OPEN);
    long started = System.nanoTime();
    assertThat(calls.databaseStatus().isDown()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(100));
  }

  /** SmallRye's count of retries of one OutboundCalls method, from the metrics endpoint. */
  private static double retries(String method) {
    String series =
        "ft_retry_retries_total{method=\"" + OutboundCalls.class.getName() + "." + method + "\"";
    return given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .extract()
        .asString()
        .lines()
        .filter(line -> line.startsWith(series))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}
