package health.clinicalops.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (the Linux binary shipped in the embedded-redis jar on Maven Central) on
 * loopback, without persistence, that a test can stop and start again on the same port.
 */
public final class EmbeddedRedisServer implements AutoCloseable {

  private static final String BINARY_RESOURCE = "/redis-server-6.2.6-v5-linux-amd64";

  private final int port;
  private Process process;
  private Path log;

  private EmbeddedRedisServer(int port) {
    this.port = port;
  }

  public static EmbeddedRedisServer start() {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return start(port);
  }

  public static EmbeddedRedisServer start(int port) {
    EmbeddedRedisServer redis = new EmbeddedRedisServer(port);
    redis.restart();
    return redis;
  }

  public int port() {
    return port;
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server (again, after {@link #stop()}) on the same port. */
  public synchronized void restart() {
    if (isRunning()) {
      return;
    }
    try {
      if (log == null) {
        log = Files.createTempFile("clinicalops-redis-", ".log");
      }
      process =
          new ProcessBuilder(
                  List.of(
                      binary().toString(),
                      "--port",
                      Integer.toString(port),
                      "--bind",
                      "127.0.0.1",
                      "--save",
                      "",
                      "--appendonly",
                      "no",
                      "--maxmemory",
                      "256mb",
                      "--logfile",
                      log.toString()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (!accepts()) {
        if (!process.isAlive()) {
          throw new IllegalStateException("redis-server exited on start: " + Files.readString(log));
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("redis-server did not start within 15 s");
        }
        TimeUnit.MILLISECONDS.sleep(20);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start redis-server on port " + port, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops the server; its data is gone (no persistence), as when a Redis pod is replaced. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  @Override
  public void close() {
    stop();
    if (log != null) {
      log.toFile().delete();
    }
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static synchronized Path binary() throws IOException {
    Path target = Path.of(System.getProperty("java.io.tmpdir"), "clinicalops-redis-server-6.2.6");
    if (Files.isExecutable(target)) {
      return target;
    }
    try (InputStream in = EmbeddedRedisServer.class.getResourceAsStream(BINARY_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            BINARY_RESOURCE + " not on the classpath: add embedded-redis");
      }
      Path staging = Files.createTempFile(target.getParent(), "clinicalops-redis-", ".tmp");
      Files.copy(in, staging, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.move(
          staging, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }
}
