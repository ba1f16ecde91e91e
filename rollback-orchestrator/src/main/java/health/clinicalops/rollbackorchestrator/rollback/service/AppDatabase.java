package health.clinicalops.rollbackorchestrator.rollback.service;

import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * This service's own SQL on the app database (row counts, schema version, size, the catalog), each
 * call on a fresh connection bounded by the {@code database-rollback.timeouts}: a hung database
 * fails the step instead of blocking a runner thread.
 */
@ApplicationScoped
public class AppDatabase {

  private final OrchestratorConfig.DatabaseRollback config;
  private final OrchestratorConfig.Rollback rollbackConfig;

  AppDatabase(OrchestratorConfig config) {
    this.config = config.databaseRollback();
    this.rollbackConfig = config.rollback();
  }

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

  /** Tables of the {@code public} schema as they are now, and the schemas that exist. */
  public record Catalog(Map<String, Set<String>> tables, Set<String> schemas) {}

  /**
   * Which of {@code tables} (in {@code public}) exist, each with the names of its indexes and
   * sequences (their TOC entries in a dump do not name the table), and which of {@code schemas}
   * exist.
   */
  public Catalog existing(Collection<String> tables, Collection<String> schemas)
      throws DatabaseStepFailed {
    Map<String, Set<String>> existingTables = new LinkedHashMap<>();
    Set<String> existingSchemas = new LinkedHashSet<>();
    try (Connection c = connect()) {
      for (String table : tables) {
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
              Set<String> attached =
                  existingTables.computeIfAbsent(table, t -> new LinkedHashSet<>());
              if (!rs.getString(1).isEmpty()) {
                attached.add(rs.getString(1));
              }
            }
          }
        }
      }
      for (String schema : schemas) {
        try (PreparedStatement s =
            c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
          s.setString(1, schema);
          try (ResultSet rs = s.executeQuery()) {
            if (rs.next()) {
              existingSchemas.add(schema);
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new DatabaseStepFailed("cannot read the preserved objects: " + e.getMessage());
    }
    return new Catalog(existingTables, existingSchemas);
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

  private static String wholeSeconds(Duration timeout) {
    return Long.toString(Math.max(1, (timeout.toMillis() + 999) / 1000));
  }
}
