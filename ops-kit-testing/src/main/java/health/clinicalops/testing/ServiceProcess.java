package health.clinicalops.testing;

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

/**
 * One service started from its packaged Quarkus jar ({@code target/quarkus-app/quarkus-run.jar}) as
 * a separate JVM, the way a pod runs it: for the local stack, the benchmarks and the tests that
 * kill a service with SIGKILL and start it again.
 */
public final class ServiceProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final String name;
  private final int port;
  private final Path logFile;
  private Process process;

  /** {@code logFile} takes the process's stdout and stderr, rewritten at each start. */
  public ServiceProcess(String name, int port, Path logFile) {
    this.name = name;
    this.port = port;
    this.logFile = logFile;
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public Path logFile() {
    return logFile;
  }

  /**
   * Starts the jar with {@code environment} (secrets, as a pod gets them from a Secret) and {@code
   * settings} as system properties (what the Helm values set). Called again after {@link #kill()}
   * or {@link #close()}, it starts the service anew on the same port.
   */
  public void start(Path jar, Map<String, String> environment, Map<String, String> settings) {
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
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /**
   * Waits until {@code GET path} answers 200, polling every {@code pollInterval}.
   *
   * @throws IllegalStateException when the process exits first or {@code timeout} passes
   */
  public void awaitOk(String path, Duration timeout, Duration pollInterval)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (get(path, null).status() != 200) {
      if (!isAlive()) {
        throw new IllegalStateException(name + " exited during start-up; see " + logFile);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " not ready within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(pollInterval.toMillis());
    }
  }

  /** The process id, or -1 before start. */
  public long pid() {
    return process == null ? -1 : process.pid();
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Kills the process at once (SIGKILL), as when a node dies, and waits until it is gone. */
  public void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** GET a path and return status and body; status -1 when the service does not answer. */
  public Response get(String path, String token) {
    return send("GET", path, token, null, null);
  }

  /** Sends {@code body} with {@code method}; status -1 when the service does not answer. */
  public Response send(String method, String path, String token, String contentType, String body) {
    return send(method, path, token, contentType, body, Duration.ofSeconds(10));
  }

  /** As {@link #send(String, String, String, String, String)}, giving up after {@code timeout}. */
  public Response send(
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

  public Response postJson(String path, String token, String json) {
    return send("POST", path, token, "application/json", json);
  }

  public record Response(int status, String body) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** Stops the process (SIGTERM, then SIGKILL after 15 s). */
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
