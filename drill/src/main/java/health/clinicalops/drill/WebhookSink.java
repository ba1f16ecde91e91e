package health.clinicalops.drill;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the pager (Slack, PagerDuty): a real HTTP server on loopback that records every
 * page rollback-orchestrator sends, per contact ({@code /<contact>}).
 */
final class WebhookSink implements AutoCloseable {

  record Page(String contact, String body, Instant at) {}

  private final HttpServer server;
  private final List<Page> pages = new CopyOnWriteArrayList<>();

  private WebhookSink(HttpServer server) {
    this.server = server;
  }

  static WebhookSink start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      WebhookSink sink = new WebhookSink(server);
      server.createContext(
          "/",
          exchange -> {
            String body =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String contact = exchange.getRequestURI().getPath().substring(1);
            sink.pages.add(new Page(contact, body, Instant.now()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
          });
      server.start();
      return sink;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  String urlFor(String contact) {
    return url() + "/" + contact;
  }

  List<Page> pagesTo(String contact) {
    return pages.stream().filter(p -> p.contact().equals(contact)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
