package health.clinicalops.dbsentinel.domain;

import java.time.Instant;
import java.util.List;

/** What the last successful probe saw in {@code pg_stat_activity}. */
public record DatabaseActivity(
    ConnectionStats connections,
    List<ConnectionHolder> topHolders,
    List<SessionInfo> idleInTransaction,
    List<SessionInfo> longRunning,
    Instant observedAt) {

  public static final DatabaseActivity NONE =
      new DatabaseActivity(ConnectionStats.UNKNOWN, List.of(), List.of(), List.of(), null);

  public DatabaseActivity {
    topHolders = List.copyOf(topHolders);
    idleInTransaction = List.copyOf(idleInTransaction);
    longRunning = List.copyOf(longRunning);
  }
}
