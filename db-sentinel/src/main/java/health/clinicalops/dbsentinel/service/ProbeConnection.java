package health.clinicalops.dbsentinel.service;

import health.clinicalops.dbsentinel.domain.Cause;
import health.clinicalops.dbsentinel.domain.ConnectionHolder;
import health.clinicalops.dbsentinel.domain.ConnectionStats;
import health.clinicalops.dbsentinel.domain.DatabaseActivity;
import health.clinicalops.dbsentinel.domain.ProbeResult;
import health.clinicalops.dbsentinel.domain.SessionInfo;
import health.clinicalops.opskit.ServiceNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.jboss.logging.Logger;
import org.postgresql.Driver;

/**
 * db-sentinel's own pool of one connection to one database (never the app's pool): it keeps the
 * connection between probes, so it can still look at {@code pg_stat_activity} when the server
 * refuses new connections, and replaces it when it breaks or grows old (rotated credentials are
 * then noticed). Every network step is bounded by the probe timeout.
 */
public final class ProbeConnection implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ProbeConnection.class);
  private static final Driver DRIVER = new Driver();

  private static final String COUNTS_SQL =
      "SELECT coalesce(usename, ''), coalesce(application_name, ''),"
          + " coalesce(host(client_addr), 'local'), coalesce(state, 'unknown'), count(*)"
          + " FROM pg_stat_activity WHERE backend_type = 'client backend'"
          + " GROUP BY 1, 2, 3, 4";
  private static final String LIMITS_SQL =
      "SELECT current_setting('max_connections')::int,"
          + " current_setting('superuser_reserved_connections')::int";

  /** Rows written to user tables since the statistics began (a write to a backup shows here). */
  static final String ROWS_WRITTEN_SQL =
      "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables";

  private static final String IDLE_IN_TRANSACTION_SQL =
      "SELECT pid, coalesce(usename, ''), coalesce(application_name, ''), state,"
          + " extract(epoch FROM now() - state_change)::bigint"
          + " FROM pg_stat_activity"
          + " WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')"
          + " AND now() - state_change > make_interval(secs => ?)"
          + " ORDER BY 5 DESC LIMIT ?";
  private static final String LONG_RUNNING_SQL =
      "SELECT pid, coalesce(usename, ''), coalesce(application_name, ''), state,"
          + " extract(epoch FROM now() - query_start)::bigint"
          + " FROM pg_stat_activity"
          + " WHERE state = 'active' AND backend_type = 'client backend'"
          + " AND pid <> pg_backend_pid() AND now() - query_start > make_interval(secs => ?)"
          + " ORDER BY 5 DESC LIMIT ?";

  /** What to probe and how. */
  public record Settings(
      String jdbcUrl,
      String username,
      String password,
      Duration timeout,
      Duration connectionMaxAge,
      Duration longRunningQuery,
      Duration idleInTransaction,
      int topHolders,
      Optional<Integer> reservedSlots) {}

  private final String name;
  private final Settings settings;
  private final Clock clock;
  private Connection connection;
  private Instant connectedAt;

  public ProbeConnection(String name, Settings settings, Clock clock) {
    this.name = name;
    this.settings = settings;
    this.clock = clock;
  }

  public String name() {
    return name;
  }

  /**
   * One probe: {@code SELECT 1} (timed), then the activity queries. Never throws: a failure is a
   * {@link ProbeResult} with its cause. When the kept connection fails at connection level, one
   * fresh connection is tried, so a stale connection alone never reports an outage.
   */
  public synchronized ProbeResult probe() {
    boolean reused = connection != null && !tooOld();
    if (!reused) {
      closeQuietly();
    }
    try {
      return probeOnce();
    } catch (SQLException | RuntimeException first) {
      Cause cause = FailureClassifier.classify(first);
      closeQuietly();
      if (reused && FailureClassifier.isConnectionLevel(cause)) {
        LOG.debugf("%s: kept connection failed (%s), trying a fresh one", name, first.toString());
        try {
          return probeOnce();
        } catch (SQLException | RuntimeException second) {
          closeQuietly();
          return failure(second);
        }
      }
      return failure(first);
    }
  }

  private ProbeResult failure(Exception e) {
    Cause cause = FailureClassifier.classify(e);
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof SQLException sql && sql.getSQLState() != null) {
      detail = "SQLState " + sql.getSQLState() + ": " + detail;
    }
    return ProbeResult.failed(cause, detail, Instant.now(clock));
  }

  private ProbeResult probeOnce() throws SQLException {
    Connection c = connection();
    long started = System.nanoTime();
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(timeoutSeconds());
      try (ResultSet rs = s.executeQuery("SELECT 1")) {
        rs.next();
      }
    }
    long latencyMs = (System.nanoTime() - started) / 1_000_000;
    if (latencyMs > settings.timeout().toMillis()) {
      return ProbeResult.failed(
          Cause.TIMEOUT,
          "SELECT 1 took " + latencyMs + " ms, over the " + settings.timeout().toMillis() + " ms",
          Instant.now(clock));
    }
    return ProbeResult.reachable(latencyMs, activity(c), Instant.now(clock));
  }

  private DatabaseActivity activity(Connection c) throws SQLException {
    int max;
    int reserved;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(LIMITS_SQL)) {
      rs.next();
      max = rs.getInt(1);
      reserved = settings.reservedSlots().orElse(rs.getInt(2));
    }
    Map<String, Integer> byState = new TreeMap<>();
    List<ConnectionHolder> holders = new ArrayList<>();
    int used = 0;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(COUNTS_SQL)) {
      while (rs.next()) {
        int count = rs.getInt(5);
        String state = rs.getString(4);
        used += count;
        byState.merge(state, count, Integer::sum);
        holders.add(
            new ConnectionHolder(rs.getString(1), rs.getString(2), rs.getString(3), state, count));
      }
    }
    holders.sort(Comparator.comparingInt(ConnectionHolder::connections).reversed());
    List<ConnectionHolder> top =
        holders.subList(0, Math.min(settings.topHolders(), holders.size()));
    List<SessionInfo> idle = sessions(c, IDLE_IN_TRANSACTION_SQL, settings.idleInTransaction());
    List<SessionInfo> longRunning = sessions(c, LONG_RUNNING_SQL, settings.longRunningQuery());
    ConnectionStats stats = new ConnectionStats(used, Math.max(1, max - reserved), byState);
    return new DatabaseActivity(stats, top, idle, longRunning, Instant.now(clock), rowsWritten(c));
  }

  private long rowsWritten(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(ROWS_WRITTEN_SQL)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private List<SessionInfo> sessions(Connection c, String sql, Duration threshold)
      throws SQLException {
    List<SessionInfo> sessions = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setQueryTimeout(timeoutSeconds());
      s.setDouble(1, threshold.toMillis() / 1000.0);
      s.setInt(2, settings.topHolders());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          sessions.add(
              new SessionInfo(
                  rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
        }
      }
    }
    return sessions;
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      Properties props = new Properties();
      props.setProperty("user", settings.username());
      props.setProperty("password", settings.password());
      props.setProperty("ApplicationName", ServiceNames.DB_SENTINEL);
      props.setProperty("connectTimeout", Integer.toString(timeoutSeconds()));
      props.setProperty("loginTimeout", Integer.toString(timeoutSeconds()));
      // A lost network without a reset must not hang a probe: reads give up after 2 timeouts.
      props.setProperty("socketTimeout", Integer.toString(2 * timeoutSeconds()));
      props.setProperty("tcpKeepAlive", "true");
      props.setProperty(
          "options", "-c statement_timeout=" + Math.max(1, settings.timeout().toMillis()));
      Connection c = DRIVER.connect(settings.jdbcUrl(), props);
      if (c == null) {
        throw new SQLException("not a PostgreSQL JDBC URL: " + settings.jdbcUrl(), "08001");
      }
      c.setAutoCommit(true);
      connection = c;
      connectedAt = Instant.now(clock);
    }
    return connection;
  }

  private boolean tooOld() {
    return connectedAt != null
        && Duration.between(connectedAt, Instant.now(clock)).compareTo(settings.connectionMaxAge())
            > 0;
  }

  private int timeoutSeconds() {
    return (int) Math.max(1, (settings.timeout().toMillis() + 999) / 1000);
  }

  private void closeQuietly() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debugf("%s: closing the probe connection failed: %s", name, e.toString());
      }
      connection = null;
      connectedAt = null;
    }
  }

  @Override
  public synchronized void close() {
    closeQuietly();
  }
}
