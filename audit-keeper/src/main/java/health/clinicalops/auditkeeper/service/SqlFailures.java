package health.clinicalops.auditkeeper.service;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.util.Set;

/** Tells a database error caused by the rows written from one caused by the database. */
final class SqlFailures {

  /** Connection failure, connection does not exist, terminated by the server's shutdown. */
  private static final Set<String> CONNECTION_GONE = Set.of("08006", "08003", "57P01");

  private SqlFailures() {}

  /**
   * True when a pooled connection turned out to be dead (the server restarted or closed it) rather
   * than the database not answering: a fresh connection is worth one more try. A statement that ran
   * into the network timeout is not: the database hangs, and a second try would wait as long.
   */
  static boolean isDeadPooledConnection(SQLException e) {
    if (e.getSQLState() == null || !CONNECTION_GONE.contains(e.getSQLState())) {
      return false;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when the database refused the rows themselves (SQLSTATE class 22, data exception, or 23,
   * integrity constraint violation): the same rows fail again however often they are retried.
   * Anything else (a lost connection, a timeout, a full disk, a revoked permission) is the
   * database's state and may pass later.
   */
  static boolean isCausedByTheRows(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("22") || state.startsWith("23"));
  }
}
