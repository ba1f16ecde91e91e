package health.clinicalops.auditkeeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server standing in for rollback-orchestrator's {@code POST /api/v1/incidents} for a
 * service run as a separate process: it answers 503 (and records the attempt) until {@link
 * #accept()}, then 200 with the incident reference.
 */
final class IncidentRecorder implements AutoCloseable {

  record Attempt(String dedupKey, String reportId, boolean accepted) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
  private volatile boolean accepting;

  private IncidentRecorder(HttpServer server) {
    this.server = server;
  }

  static IncidentRecorder start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    IncidentRecorder recorder = new IncidentRecorder(server);
    server.createContext("/api/v1/incidents", recorder::handle);
    server.start();
    return recorder;
  }

  private void handle(HttpExchange exchange) throws IOException {
    JsonNode report = JSON.readTree(exchange.getRequestBody());
    boolean accepted = accepting;
    String dedupKey = report.path("dedupKey").asText();
    attempts.add(new Attempt(dedupKey, report.path("reportId").asText(null), accepted));
    byte[] body =
        accepted
            ? JSON.writeValueAsBytes(
                java.util.Map.of("id", dedupKey, "dedupKey", dedupKey, "status", "open"))
            : "{\"status\":503}".getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(accepted ? 200 : 503, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void accept() {
    accepting = true;
  }

  List<Attempt> attempts() {
    return List.copyOf(attempts);
  }

  List<Attempt> accepted() {
    return attempts.stream().filter(Attempt::accepted).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
