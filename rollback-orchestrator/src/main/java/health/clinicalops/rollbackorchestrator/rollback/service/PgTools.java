package health.clinicalops.rollbackorchestrator.rollback.service;

import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs PostgreSQL's client programs ({@code pg_dump}, {@code pg_restore}) on the app database: the
 * JDBC URL as a libpq URI, the password as PGPASSWORD, {@code database-rollback.command-timeout}
 * per run, and the output in the failure's message (password masked).
 */
@ApplicationScoped
public class PgTools {

  /** Connection parameters pgjdbc and libpq share by name (libpq's URI refuses unknown ones). */
  private static final Set<String> LIBPQ_PARAMETERS =
      Set.of(
          "user",
          "options",
          "application_name",
          "sslmode",
          "sslcert",
          "sslkey",
          "sslrootcert",
          "sslcrl",
          "gssencmode",
          "channel_binding",
          "target_session_attrs",
          "keepalives",
          "keepalives_idle",
          "connect_timeout");

  /** pgjdbc's {@code targetServerType} as libpq's {@code target_session_attrs}. */
  private static final Map<String, String> TARGET_SESSION_ATTRS =
      Map.of(
          "any", "any",
          "primary", "read-write",
          "master", "read-write",
          "secondary", "standby",
          "slave", "standby",
          "preferSecondary", "prefer-standby",
          "preferSlave", "prefer-standby");

  private final OrchestratorConfig.DatabaseRollback config;

  PgTools(OrchestratorConfig config) {
    this.config = config.databaseRollback();
  }

  /** {@code pg_dump -Fc} of the whole database into {@code file}. */
  public void dump(Path file) throws DatabaseStepFailed, InterruptedException {
    run(
        List.of(
            tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--file=" + file,
            "--dbname=" + libpqUrl()),
        "pg_dump");
  }

  /** The table of contents of a dump ({@code pg_restore --list}). */
  public String contents(Path dump) throws DatabaseStepFailed, InterruptedException {
    return run(List.of(tool("pg_restore"), "--list", dump.toString()), "pg_restore --list");
  }

  /**
   * {@code pg_restore --clean --if-exists --single-transaction} of the entries of {@code dump} that
   * {@code listFile} names.
   */
  public void restore(Path dump, Path listFile) throws DatabaseStepFailed, InterruptedException {
    run(
        List.of(
            tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--use-list=" + listFile,
            "--dbname=" + libpqUrl(),
            dump.toString()),
        "pg_restore");
  }

  /** The app database's name, from its URL. */
  public String databaseName() throws DatabaseStepFailed {
    String url = libpqUrl();
    int query = url.indexOf('?');
    String withoutQuery = query < 0 ? url : url.substring(0, query);
    return withoutQuery.substring(withoutQuery.lastIndexOf('/') + 1);
  }

  /** Runs {@code command}; its output (stdout and stderr) when it exits with 0. */
  private String run(List<String> command, String what)
      throws DatabaseStepFailed, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    config.password().ifPresent(p -> builder.environment().put("PGPASSWORD", p));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new DatabaseStepFailed("cannot run " + what + ": " + e.getMessage());
    }
    StringBuilder output = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (InputStream in = process.getInputStream()) {
                output.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException ignored) {
                // the exit code tells
              }
            },
            what + "-output");
    reader.start();
    if (!process.waitFor(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new DatabaseStepFailed(what + " did not finish within " + config.commandTimeout());
    }
    reader.join(5000);
    if (process.exitValue() != 0) {
      String text = output.toString().replace(config.password().orElse("\u0000"), "***");
      throw new DatabaseStepFailed(
          what + " exited with " + process.exitValue() + ": " + abbreviate(text));
    }
    return output.toString();
  }

  private String tool(String name) {
    return config.binDirectory().map(dir -> Paths.get(dir).resolve(name).toString()).orElse(name);
  }

  /** The JDBC URL as a libpq URI for pg_dump/pg_restore (password through PGPASSWORD). */
  private String libpqUrl() throws DatabaseStepFailed {
    String jdbc =
        config
            .jdbcUrl()
            .orElseThrow(() -> new DatabaseStepFailed("the app database is not configured"));
    return libpqUri(jdbc, config.username());
  }

  /**
   * {@code jdbc:postgresql://hosts/db?params} as libpq's {@code postgresql://user@hosts/db?params}.
   * Parameters libpq knows by the same name ({@code sslmode}, {@code sslrootcert}, {@code
   * application_name}, ...) pass unchanged; JDBC names with a libpq equivalent are renamed ({@code
   * ApplicationName}, {@code connectTimeout}, {@code targetServerType}, {@code ssl=true}, which
   * pgjdbc takes as {@code verify-full}); the driver's own ones ({@code socketTimeout}, {@code
   * sslfactory}, ...) are left out, since libpq refuses a URI with a parameter it does not know. A
   * password never goes into the URI, which is a command-line argument: it is given as PGPASSWORD.
   */
  static String libpqUri(String jdbc, Optional<String> username) throws DatabaseStepFailed {
    if (!jdbc.startsWith("jdbc:postgresql://")) {
      throw new DatabaseStepFailed("not a PostgreSQL JDBC URL");
    }
    String rest = jdbc.substring("jdbc:postgresql://".length());
    int query = rest.indexOf('?');
    String hostsAndDatabase = query < 0 ? rest : rest.substring(0, query);
    List<String[]> parameters = new ArrayList<>();
    if (query >= 0) {
      for (String pair : rest.substring(query + 1).split("&")) {
        int eq = pair.indexOf('=');
        if (!pair.isEmpty()) {
          parameters.add(
              eq < 0
                  ? new String[] {pair, ""}
                  : new String[] {pair.substring(0, eq), pair.substring(eq + 1)});
        }
      }
    }
    boolean hasSslMode = parameters.stream().anyMatch(p -> p[0].equals("sslmode"));
    List<String> libpq = new ArrayList<>();
    for (String[] parameter : parameters) {
      String name = parameter[0];
      String value = parameter[1];
      if (LIBPQ_PARAMETERS.contains(name)) {
        libpq.add(name + "=" + value);
      } else if (name.equals("ApplicationName")) {
        libpq.add("application_name=" + value);
      } else if (name.equals("connectTimeout")) {
        libpq.add("connect_timeout=" + value);
      } else if (name.equals("ssl") && value.equals("true") && !hasSslMode) {
        libpq.add("sslmode=verify-full");
      } else if (name.equals("tcpKeepAlive")) {
        libpq.add("keepalives=" + (value.equals("true") ? "1" : "0"));
      } else if (name.equals("targetServerType")) {
        String attrs = TARGET_SESSION_ATTRS.get(value);
        if (attrs != null) {
          libpq.add("target_session_attrs=" + attrs);
        }
      }
    }
    String user =
        username
            .map(u -> URLEncoder.encode(u, StandardCharsets.UTF_8).replace("+", "%20") + "@")
            .orElse("");
    return "postgresql://"
        + user
        + hostsAndDatabase
        + (libpq.isEmpty() ? "" : "?" + String.join("&", libpq));
  }

  private static String abbreviate(String text) {
    List<String> lines = new ArrayList<>(text.lines().toList());
    String joined = String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    return joined.length() > 1000 ? joined.substring(joined.length() - 1000) : joined;
  }
}
