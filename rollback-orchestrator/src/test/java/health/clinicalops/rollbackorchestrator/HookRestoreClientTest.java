package health.clinicalops.rollbackorchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import health.clinicalops.rollbackorchestrator.rollback.service.RestoreHookApi;
import health.clinicalops.rollbackorchestrator.rollback.service.RestoreHookClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The restore hook's failure paths against a real HTTP server on loopback (a JDK {@link
 * HttpServer}): refused connection, a hook that hangs past the timeout (3 s in the profile), a 5xx
 * answer, and the circuit breaker that opens after two failures. Uses the profile of {@link
 * HookHealthAndHourlyLimitTest} (hook restore by http-hook, its timeout shortened), and its name
 * sorts next to it: no other configuration is built for it.
 */
@QuarkusTest
@TestProfile(HookHealthAndHourlyLimitTest.Profile.class)
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
class HookRestoreClientTest {

  static final RestoreHookApi.RestoreRequest REQUEST =
      new RestoreHookApi.RestoreRequest("clinicalapp", "2026-11-27T07:10:00Z", 7);

  @Inject RestoreHookClient hook;

  HttpServer server;
  final List<String> bodies = new CopyOnWriteArrayList<>();
  final CountDownLatch releaseHungCalls = new CountDownLatch(1);

  @BeforeEach
  void startServer() throws IOException {
    CircuitBreakerMaintenance.get().resetAll();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/ok", exchange -> answer(exchange, 204, ""));
    server.createContext("/broken", exchange -> answer(exchange, 503, "branch not found"));
    server.createContext(
        "/hung",
        exchange -> {
          try {
            releaseHungCalls.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          answer(exchange, 204, "");
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    releaseHungCalls.countDown();
    server.stop(0);
    CircuitBreakerMaintenance.get().resetAll();
  }

  private void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
      throws IOException {
    bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  URI at(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Test
  void a2xxAnswerIsARestoreAndTheBodyIsTheContract() {
    hook.restore(at("/ok"), REQUEST);

    assertThat(bodies).hasSize(1);
    assertThat(bodies.get(0))
        .contains("\"database\":\"clinicalapp\"")
        .contains("\"pointInTime\":\"2026-11-27T07:10:00Z\"")
        .contains("\"rollbackId\":7");
  }

  @Test
  void aRefusedConnectionFailsAtOnce() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    long start = System.nanoTime();

    assertThatThrownBy(
            () -> hook.restore(URI.create("http://127.0.0.1:" + closedPort + "/restore"), REQUEST))
        .isInstanceOf(ProcessingException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void aHungHookIsCutOffAtTheTimeout() {
    long start = System.nanoTime();

    assertThatThrownBy(() -> hook.restore(at("/hung"), REQUEST))
        .isInstanceOf(TimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(2900))
        .isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void a5xxAnswerIsAFailureWithTheHooksStatusAndText() {
    assertThatThrownBy(() -> hook.restore(at("/broken"), REQUEST))
        .isInstanceOfSatisfying(
            RestoreHookClient.HookRefused.class,
            refused -> {
              assertThat(refused.status()).isEqualTo(503);
              assertThat(refused.body()).isEqualTo("branch not found");
              assertThat(refused).hasMessage("restore hook answered 503: branch not found");
            });
    assertThat(bodies).hasSize(1).as("called once: a restore is not retried");
  }

  @Test
  void twoFailuresInARowOpenTheBreakerAndTheNextCallNeverReachesTheHook() {
    assertThatThrownBy(() -> hook.restore(at("/broken"), REQUEST))
        .isInstanceOf(RestoreHookClient.HookRefused.class);
    assertThatThrownBy(() -> hook.restore(at("/broken"), REQUEST))
        .isInstanceOf(RestoreHookClient.HookRefused.class);

    assertThatThrownBy(() -> hook.restore(at("/ok"), REQUEST))
        .isInstanceOf(CircuitBreakerOpenException.class);
    assertThat(bodies).hasSize(2);
  }
}
