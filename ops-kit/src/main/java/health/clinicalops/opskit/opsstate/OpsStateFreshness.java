package health.clinicalops.opskit.opsstate;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How current a service's ops state is ({@link OpsStateWatcher#freshness()}).
 *
 * @param synced the informer has listed the ConfigMap at least once
 * @param watching its watch is connected now
 * @param staleSince present while the service, synced once, serves its last known state because the
 *     watch is not connected: the last time the watch was seen connected
 * @param lastEventAt when the last change (add, update or delete) arrived from the cluster API;
 *     informer resyncs, which re-deliver the cached object, do not count
 * @param stoppedForGood the informer has stopped without the watcher stopping it
 */
public record OpsStateFreshness(
    boolean synced,
    boolean watching,
    Optional<Instant> staleSince,
    Optional<Instant> lastEventAt,
    boolean stoppedForGood) {

  /** Whether the service serves a last known state that may be out of date. */
  public boolean stale() {
    return staleSince.isPresent();
  }

  /** How long the state has been stale at {@code now}; zero when it is not. */
  public Duration staleFor(Instant now) {
    return staleSince
        .map(since -> Duration.between(since, now))
        .filter(d -> !d.isNegative())
        .orElse(Duration.ZERO);
  }
}
