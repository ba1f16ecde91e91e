package health.clinicalops.authguard.store;

import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Where the sliding windows live: Redis (shared by all replicas) or this pod's memory (the
 * fallback). Every operation is one atomic step and, for Redis, one round trip.
 */
public interface WindowStore {

  Uni<RateCount> acquire(RateQuery query);

  Uni<FailureCounts> recordFailure(FailureQuery query);

  /** The most recent members of a distinct-set window (evidence), newest first. */
  Uni<List<String>> recentMembers(String key, long sinceMs, int max);

  /** The statistics of {@code keys}' window; {@code previous} is the window before it. */
  Uni<WindowStats> windowStats(WindowStatsKeys keys, WindowStatsKeys previous, int top);

  /** Succeeds when the store answers. */
  Uni<Void> ping();
}
