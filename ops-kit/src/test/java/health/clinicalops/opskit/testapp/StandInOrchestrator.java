package health.clinicalops.opskit.testapp;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server standing in for rollback-orchestrator's rollbacks, that can answer, hang
 * (hold every request until {@link #release()}) or be stopped (connections refused); and a port
 * where nothing listens, for db-sentinel. Counts the rollback requests that reach it.
 */
public class StandInOrchestrator implements QuarkusTestResourceLifecycleManager {

  private static final AtomicInteger RECEIVED = new AtomicInteger();
  private static volatile CountDownLatch hang = new CountDownLatch(0);
  private static volatile HttpServer server;
  private static int port;

  @Override
  public Map<String, String> start() {
    port = freePort();
    listen();
    return Map.of(
        "quarkus.rest-client.rollback-orchestrator.url", "http://127.0.0.1:" + port,
        "quarkus.rest-client.db-sentinel.url", "http://127.0.0.1:" + freePort());
  }

  @Override
  public void stop() {
    release();
    refuse();
  }

  /** How many rollback requests arrived. */
  public static int received() {
    return RECEIVED.get();
  }

  /** From now on every request is held until {@link #release()}. */
  public static void hang() {
    hang = new CountDownLatch(1);
  }

  public static void release() {
    hang.countDown();
  }

  /** Stops listening: connections are refused until {@link #listen()}. */
  public static synchronized void refuse() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  /** Listens (again) on the same port and answers at once; the count starts over. */
  public static synchronized void listen() {
    release();
    RECEIVED.set(0);
    if (server != null) {
      return;
    }
    try {
      HttpServer started =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      started.setExecutor(Executors.newCachedThreadPool());
      started.createContext(
          "/api/v1/rollbacks",
          exchange -> {
            RECEIVED.incrementAndGet();
            try {
              hang.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            byte[] body =
                "{\"id\":\"1\",\"status\":\"AWAITING_APPROVAL\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(202, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      started.start();
      server = started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
