package health.clinicalops.auditkeeper.service;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Work on one pooled connection with the driver's network timeout set for it. A statement that
 * waits on the database longer than that fails and the driver closes the connection, which is how a
 * hung network path (no answer, no refusal) becomes an error at a known time. The pool keeps a
 * connection's timeout, so the previous one is put back unless the timeout closed the connection.
 */
final class NetworkTimeout {

  /** What runs on the connection; it may also throw one checked exception of its own. */
  @FunctionalInterface
  interface Work<T, E extends Exception> {
    T run(Connection c) throws SQLException, E;
  }

  private NetworkTimeout() {}

  static <T, E extends Exception> T within(Connection c, Duration timeout, Work<T, E> work)
      throws SQLException, E {
    int previous = c.getNetworkTimeout();
    c.setNetworkTimeout(Runnable::run, Math.toIntExact(timeout.toMillis()));
    try {
      return work.run(c);
    } finally {
      if (!c.isClosed()) {
        c.setNetworkTimeout(Runnable::run, previous);
      }
    }
  }
}
