package health.clinicalops.rollbackorchestrator.rollback.service;

import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The app's database as the database rollback sees it: {@code pg_dump} backups, {@code pg_restore}
 * or a provider's point-in-time-restore hook, row counts and the schema version.
 */
@ApplicationScoped
public class AppDatabase {

  /** Backup names: letters, digits, dot, dash, underscore (they become file names). */
  public static final Pattern BACKUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,120}");

  private static final String COUNTS_SUFFIX = ".counts.properties";

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
  private final OrchestratorConfig.Rollback rollbackConfig;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(10)).build();

  AppDatabase(OrchestratorConfig config) {
    this.config = config.databaseRollback();
    this.rollbackConfig = config.rollback();
  }

  /** A failed database operation; its message goes to the rollback's steps. */
  public static class DatabaseStepFailed extends Exception {
    public DatabaseStepFailed(String message) {
      super(message);
    }
  }

  /** A backup on disk. */
  public record Backup(String name, Path path, long size, Map<String, Long> rowCounts) {}

  public boolean isConfigured() {
    return config.jdbcUrl().isPresent();
  }

  /** Names the app database (its JDBC URL without parameters), e.g. for a lock per database. */
  public String identity() {
    return config.jdbcUrl().map(url -> url.replaceFirst("[?;].*$", "")).orElse("unconfigured");
  }

  /** The app database's size on disk ({@code pg_database_size}), an upper bound for its dump. */
  public long databaseSize() throws DatabaseStepFailed {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new DatabaseStepFailed("cannot read the database's size: " + e.getMessage());
    }
  }

  /** Row counts of the verified tables; a missing table counts -1. */
  public Map<String, Long> rowCounts() throws DatabaseStepFailed {
    Map<String, Long> counts = new LinkedHashMap<>();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (String table : config.verifiedTables()) {
        try (ResultSet rs =
            s.executeQuery("SELECT count(*) FROM \"" + table.replace("\"", "\"\"") + "\"")) {
          rs.next();
          counts.put(table, rs.getLong(1));
        } catch (SQLException e) {
          if ("42P01".equals(e.getSQLState())) {
            counts.put(table, -1L);
          } else {
            throw e;
          }
        }
      }
    } catch (SQLException e) {
      throw new DatabaseStepFailed("cannot count rows: " + e.getMessage());
    }
    return counts;
  }

  /** The database's schema version by the configured query, if one is configured. */
  public Optional<String> schemaVersion() throws DatabaseStepFailed {
    if (rollbackConfig.schemaVersionQuery().isEmpty()) {
      return Optional.empty();
    }
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(rollbackConfig.schemaVersionQuery().get())) {
      return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
    } catch (SQLException e) {
      throw new DatabaseStepFailed("cannot read the schema version: " + e.getMessage());
    }
  }

  /** {@code pg_dump -Fc} of the whole database into the backup directory, with its row counts. */
  public Backup backup(String name) throws DatabaseStepFailed, InterruptedException {
    if (!BACKUP_NAME.matcher(name).matches()) {
      throw new DatabaseStepFailed("invalid backup name '" + name + "'");
    }
    Path dir = Paths.get(config.backupDirectory());
    Path file = dir.resolve(name);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new DatabaseStepFailed("cannot create " + dir + ": " + e.getMessage());
    }
    Map<String, Long> counts = rowCounts();
    run(
        List.of(
            tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--file=" + file,
            "--dbname=" + libpqUrl()),
        "pg_dump");
    Properties properties = new Properties();
    counts.forEach((table, count) -> properties.setProperty(table, String.valueOf(count)));
    try (OutputStream out = Files.newOutputStream(dir.resolve(name + COUNTS_SUFFIX))) {
      properties.store(out, "row counts when " + name + " was taken");
      return new Backup(name, file, Files.size(file), counts);
    } catch (IOException e) {
      throw new DatabaseStepFailed("cannot record the backup's counts: " + e.getMessage());
    }
  }

  /** Row counts a backup recorded when it was taken (empty for backups made elsewhere). */
  public Map<String, Long> recordedCounts(String name) {
    Path file = Paths.get(config.backupDirectory()).resolve(name + COUNTS_SUFFIX);
    Map<String, Long> counts = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return counts;
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
      for (String table : config.verifiedTables()) {
        String value = properties.getProperty(table);
        if (value != null) {
          counts.put(table, Long.parseLong(value.trim()));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Map.of();
    }
    return counts;
  }

  public boolean backupExists(String name) {
    return BACKUP_NAME.matcher(name).matches()
        && Files.isRegularFile(Paths.get(config.backupDirectory()).resolve(name));
  }

  /**
   * Restores {@code name} with {@code pg_restore --clean --if-exists --single-transaction}, all of
   * it but the preserved tables and schemas that exist in the database now (see {@link
   * #restoreList}).
   */
  public String restoreFromBackup(String name) throws DatabaseStepFailed, InterruptedException {
    if (!backupExists(name)) {
      throw new DatabaseStepFailed("no backup named '" + name + "' in " + config.backupDirectory());
    }
    Path file = Paths.get(config.backupDirectory()).resolve(name);
    String contents =
        run(List.of(tool("pg_restore"), "--list", file.toString()), "pg_restore --list");
    PreservedObjects preserved = preservedObjects();
    List<String> list = restoreList(contents, preserved);
    Path listFile = Paths.get(config.backupDirectory()).resolve(name + ".restore-list");
    try {
      Files.write(listFile, list);
    } catch (IOException e) {
      throw new DatabaseStepFailed("cannot write " + listFile + ": " + e.getMessage());
    }
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
            file.toString()),
        "pg_restore");
    return "pg_restore of "
        + file
        + (preserved.isEmpty() ? "" : ", left as they are: " + preserved.describe());
  }

  /**
   * The objects a restore must not touch: each preserved table that exists now, with its indexes
   * and sequences (their TOC entries do not name the table), and each preserved schema that exists.
   */
  record PreservedObjects(Set<String> tables, Set<String> attached, Set<String> schemas) {
    boolean isEmpty() {
      return tables.isEmpty() && schemas.isEmpty();
    }

    String describe() {
      List<String> parts = new ArrayList<>();
      tables.forEach(t -> parts.add("table \"" + t + "\""));
      schemas.forEach(s -> parts.add("schema " + s));
      return String.join(", ", parts);
    }

    /** True for a TOC entry of a preserved object (any token but the last, the owner, names it). */
    boolean covers(String tocEntry) {
      String[] tokens = tocEntry.trim().split("\\s+");
      for (int i = 1; i < tokens.length - 1; i++) {
        String token = tokens[i];
        if (tables.contains(token) || attached.contains(token) || schemas.contains(token)) {
          return true;
        }
      }
      return false;
    }
  }

  /** {@code pg_restore --list} output without the entries of preserved objects. */
  static List<String> restoreList(String contents, PreservedObjects preserved) {
    return contents
        .lines()
        .filter(line -> line.startsWith(";") || !preserved.covers(line))
        .toList();
  }

  private PreservedObjects preservedObjects() throws DatabaseStepFailed {
    Set<String> tables = new LinkedHashSet<>();
    Set<String> attached = new LinkedHashSet<>();
    Set<String> schemas = new LinkedHashSet<>();
    try (Connection c = connect()) {
      for (String table : config.preservedTables()) {
        try (PreparedStatement s =
            c.prepareStatement(
                "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
                    + " WHERE x.indrelid = to_regclass(?)"
                    + " UNION SELECT q.relname FROM pg_depend d JOIN pg_class q ON q.oid = d.objid"
                    + " WHERE d.refobjid = to_regclass(?) AND q.relkind = 'S'"
                    + " UNION SELECT '' WHERE to_regclass(?) IS NOT NULL")) {
          String qualified = "public.\"" + table.replace("\"", "\"\"") + "\"";
          for (int i = 1; i <= 3; i++) {
            s.setString(i, qualified);
          }
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              tables.add(table);
              if (!rs.getString(1).isEmpty()) {
                attached.add(rs.getString(1));
              }
            }
          }
        }
      }
      for (String schema : config.preservedSchemas()) {
        try (PreparedStatement s =
            c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
          s.setString(1, schema);
          try (ResultSet rs = s.executeQuery()) {
            if (rs.next()) {
              schemas.add(schema);
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new DatabaseStepFailed("cannot read the preserved objects: " + e.getMessage());
    }
    return new PreservedObjects(tables, attached, schemas);
  }

  /** Asks the provider's hook for a point-in-time restore; a 2xx answer means it is done. */
  public String restoreToPointInTime(Instant pointInTime, long rollbackId)
      throws DatabaseStepFailed, InterruptedException {
    String url =
        config
            .restoreHookUrl()
            .orElseThrow(
                () ->
                    new DatabaseStepFailed(
                        "restore-method http-hook needs"
                            + " clinicalops.rollback-orchestrator.database-rollback.restore-hook-url"));
    String body =
        "{\"database\":\""
            + databaseName()
            + "\",\"pointInTime\":\""
            + pointInTime
            + "\",\"rollbackId\":"
            + rollbackId
            + "}";
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .timeout(config.commandTimeout())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new DatabaseStepFailed(
            "restore hook answered " + response.statusCode() + ": " + response.body());
      }
      return "point-in-time restore to " + pointInTime + " by " + url;
    } catch (IOException | IllegalArgumentException e) {
      throw new DatabaseStepFailed("restore hook unreachable: " + e.getMessage());
    }
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

  private Connection connect() throws SQLException {
    String url =
        config
            .jdbcUrl()
            .orElseThrow(
                () ->
                    new SQLException(
                        "clinicalops.rollback-orchestrator.database-rollback.jdbc-url is not set"));
    OrchestratorConfig.Timeouts timeouts = config.timeouts();
    Properties properties = new Properties();
    config.username().ifPresent(user -> properties.setProperty("user", user));
    config.password().ifPresent(password -> properties.setProperty("password", password));
    properties.setProperty("connectTimeout", wholeSeconds(timeouts.connect()));
    properties.setProperty("loginTimeout", wholeSeconds(timeouts.login()));
    properties.setProperty("socketTimeout", wholeSeconds(timeouts.socket()));
    Connection connection = DriverManager.getConnection(url, properties);
    // Set on the session rather than through the URL's options, which a jdbc-url may carry itself.
    try (Statement s = connection.createStatement()) {
      s.execute("SET statement_timeout = " + Math.max(1, timeouts.statement().toMillis()));
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return connection;
  }

  private static String wholeSeconds(java.time.Duration timeout) {
    return Long.toString(Math.max(1, (timeout.toMillis() + 999) / 1000));
  }

  /** The JDBC URL as a libpq URI for pg_dump/pg_restore (password through PGPASSWORD). */
  String libpqUrl() throws DatabaseStepFailed {
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

  private String databaseName() throws DatabaseStepFailed {
    String url = libpqUrl();
    int query = url.indexOf('?');
    String withoutQuery = query < 0 ? url : url.substring(0, query);
    return withoutQuery.substring(withoutQuery.lastIndexOf('/') + 1);
  }

  private static String abbreviate(String text) {
    List<String> lines = new ArrayList<>(text.lines().toList());
    String joined = String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    return joined.length() > 1000 ? joined.substring(joined.length() - 1000) : joined;
  }
}
