package health.clinicalops.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A real HTTP server on loopback that records every request and answers as told: the pager's
 * webhooks (Slack, PagerDuty) or a peer service, for a service run as a separate process. By
 * default it answers 204; {@link #answerWith} changes that at any time (a peer that is down, then
 * back).
 */
public final class RecordingHttpServer implements AutoCloseable {

  /** One request as it arrived, with the status it was answered. */
  public record Request(String method, String path, String body, Instant at, int status) {}

  /** What the server answers; a {@code body} of null sends none. */
  public record Answer(int status, String contentType, String body) {
    public static Answer noContent() {
      return new Answer(204, null, null);
    }

    public static Answer json(int status, String body) {
      return new Answer(status, "application/json", body);
    }
  }

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Function<String, Answer> answer = body -> Answer.noContent();

  private RecordingHttpServer(HttpServer server) {
    this.server = server;
  }

  /** Starts on a free port of the loopback interface. */
  public static RecordingHttpServer start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      RecordingHttpServer recorder = new RecordingHttpServer(server);
      server.createContext("/", recorder::handle);
      server.start();
      return recorder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** From now on, answers each request with what {@code answer} makes of its body. */
  public void answerWith(Function<String, Answer> answer) {
    this.answer = answer;
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Answer reply = answer.apply(body);
    requests.add(
        new Request(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getPath(),
            body,
            Instant.now(),
            reply.status()));
    if (reply.body() == null) {
      exchange.sendResponseHeaders(reply.status(), -1);
    } else {
      byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
      if (reply.contentType() != null) {
        exchange.getResponseHeaders().add("Content-Type", reply.contentType());
      }
      exchange.sendResponseHeaders(reply.status(), bytes.length);
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** {@code url()} followed by {@code path} (which starts with a slash). */
  public String urlFor(String path) {
    return url() + path;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public List<Request> requestsTo(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
