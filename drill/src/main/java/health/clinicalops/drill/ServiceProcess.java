package health.clinicalops.drill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One service started from its Quarkus jar as a separate process, the way a pod runs it. */
final class ServiceProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final String name;
  private final int port;
  private final Path logFile;
  private Process process;

  ServiceProcess(String name, int port, Path logFile) {
    this.name = name;
    this.port = port;
    this.logFile = logFile;
  }

  String name() {
    return name;
  }

  int port() {
    return port;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  Path logFile() {
    return logFile;
  }

  /**
   * Starts the jar with {@code environment} (secrets, as a pod gets them from a Secret) and {@code
   * settings} as system properties (what the Helm values set).
   */
  void start(Path jar, Map<String, String> environment, Map<String, String> settings) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    // As in the chart: a JVM out of memory exits (and is restarted) instead of limping on.
    command.add("-XX:+ExitOnOutOfMemoryError");
    settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-jar");
    command.add(jar.toString());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()));
    builder.environment().putAll(environment);
    builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
    try {
      Files.createDirectories(logFile.getParent());
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** The process id, or -1 before start. */
  long pid() {
    return process == null ? -1 : process.pid();
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Kills the process at once (SIGKILL), as when a node dies. */
  void kill() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  /** GET a path and return status and body; status -1 when the service does not answer. */
  Response get(String path, String token) {
    return send("GET", path, token, null, null);
  }

  /** Sends {@code body} with {@code method}; status -1 when the service does not answer. */
  Response send(String method, String path, String token, String contentType, String body) {
    return send(method, path, token, contentType, body, Duration.ofSeconds(10));
  }

  /** As {@link #send(String, String, String, String, String)}, giving up after {@code timeout}. */
  Response send(
      String method, String path, String token, String contentType, String body, Duration timeout) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl() + path))
            .timeout(timeout)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    } catch (IOException e) {
      return new Response(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Response(-1, "interrupted");
    }
  }

  Response postJson(String path, String token, String json) {
    return send("POST", path, token, "application/json", json);
  }

  record Response(int status, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  @Override
  public void close() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
