package health.clinicalops.auditkeeper.service;

import java.sql.SQLException;

/** Tells a database error caused by the rows written from one caused by the database. */
final class SqlFailures {

  private SqlFailures() {}

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
