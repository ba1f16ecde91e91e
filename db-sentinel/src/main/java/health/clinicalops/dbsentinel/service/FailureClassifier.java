package health.clinicalops.dbsentinel.service;

import health.clinicalops.dbsentinel.domain.Cause;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Set;

/**
 * Tells the runbook's failure kinds apart from what the PostgreSQL driver throws: authentication
 * (SQLState 28P01/28000), exhausted connection slots (53300), a server shutting down or starting
 * (57P01–57P03), a statement timeout (57014) and network loss (class 08, refused or timed-out
 * sockets).
 */
public final class FailureClassifier {

  private static final Set<String> AUTHENTICATION = Set.of("28P01", "28000");
  private static final Set<String> SERVER_UNAVAILABLE = Set.of("57P01", "57P02", "57P03");

  private FailureClassifier() {}

  public static Cause classify(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (AUTHENTICATION.contains(state)) {
          return Cause.AUTHENTICATION;
        }
        if ("53300".equals(state)) {
          return Cause.POOL_EXHAUSTION;
        }
        if (SERVER_UNAVAILABLE.contains(state)) {
          return Cause.SERVER_UNAVAILABLE;
        }
        if ("57014".equals(state)) {
          return Cause.TIMEOUT;
        }
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException
          || t instanceof SocketTimeoutException
          || t instanceof SocketException) {
        return Cause.NETWORK;
      }
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().startsWith("08")) {
        return Cause.NETWORK;
      }
      if (t instanceof EOFException) {
        return Cause.NETWORK;
      }
    }
    return Cause.OTHER;
  }

  /**
   * True when the failure concerns the connection rather than the query, so a fresh connection is
   * worth one more try in the same probe.
   */
  public static boolean isConnectionLevel(Cause cause) {
    return cause == Cause.NETWORK || cause == Cause.SERVER_UNAVAILABLE || cause == Cause.OTHER;
  }
}
