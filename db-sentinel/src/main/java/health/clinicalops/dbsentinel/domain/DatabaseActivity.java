package health.clinicalops.dbsentinel.domain;

import java.time.Instant;
import java.util.List;

/**
 * What the last successful probe saw in {@code pg_stat_activity}, and {@code rowsWritten}: rows
 * inserted, updated and deleted in the database's user tables since its statistics began ({@code
 * pg_stat_user_tables}; -1 unknown), which tells whether writes reached a backup.
 */
public record DatabaseActivity(
    ConnectionStats connections,
    List<ConnectionHolder> topHolders,
    List<SessionInfo> idleInTransaction,
    List<SessionInfo> longRunning,
    Instant observedAt,
    long rowsWritten) {

  public static final DatabaseActivity NONE =
      new DatabaseActivity(ConnectionStats.UNKNOWN, List.of(), List.of(), List.of(), null, -1);

  public DatabaseActivity {
    topHolders = List.copyOf(topHolders);
    idleInTransaction = List.copyOf(idleInTransaction);
    longRunning = List.copyOf(longRunning);
  }
}
