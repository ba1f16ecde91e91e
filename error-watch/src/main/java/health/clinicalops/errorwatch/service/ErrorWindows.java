package health.clinicalops.errorwatch.service;

import health.clinicalops.errorwatch.config.ErrorWatchConfig;
import health.clinicalops.errorwatch.domain.Counts;
import health.clinicalops.errorwatch.domain.ErrorTally;
import health.clinicalops.errorwatch.domain.FingerprintStats;
import health.clinicalops.errorwatch.domain.KeyBudget;
import health.clinicalops.errorwatch.domain.TallyLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The sliding windows: one {@link ErrorTally} per time bucket of event time (the log line's
 * timestamp), kept for the retention. Any window is a range of buckets merged on demand. Also
 * remembers when each fingerprint was first seen, to tell errors that are new since a deploy. What
 * the buckets hold of keys chosen by the log lines is capped per bucket ({@link TallyLimits}) and
 * over all buckets ({@link KeyBudget}).
 */
@ApplicationScoped
public class ErrorWindows {

  private final long bucketMillis;
  private final TallyLimits limits;
  private final KeyBudget budget;
  private final int firstSeenLimit;
  private final NavigableMap<Long, ErrorTally> buckets = new TreeMap<>();
  private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
  private final ReadWriteLock lock = new ReentrantReadWriteLock();

  @Inject
  ErrorWindows(ErrorWatchConfig config) {
    this(
        config.windows().bucket().toMillis(),
        limits(config.limits()),
        config.limits().windowMemory().asLongValue(),
        config.limits().firstSeenFingerprints());
  }

  /** Windows without caps. */
  public ErrorWindows(long bucketMillis) {
    this(bucketMillis, TallyLimits.NONE, Long.MAX_VALUE, Integer.MAX_VALUE);
  }

  public ErrorWindows(long bucketMillis, TallyLimits limits, long memoryBytes, int firstSeenLimit) {
    this.bucketMillis = bucketMillis;
    this.limits = limits;
    this.budget = KeyBudget.of(memoryBytes);
    this.firstSeenLimit = firstSeenLimit;
  }

  static TallyLimits limits(ErrorWatchConfig.Limits limits) {
    return new TallyLimits(limits.keysPerBucket(), limits.valuesPerFingerprint());
  }

  /** A new tally for one batch of lines in one bucket (not counted in the windows' budget). */
  public ErrorTally newBatchTally() {
    return new ErrorTally(limits, KeyBudget.unlimited());
  }

  public long bucketMillis() {
    return bucketMillis;
  }

  /** The start of the bucket holding {@code epochMillis}. */
  public long bucketStart(long epochMillis) {
    return Math.floorDiv(epochMillis, bucketMillis) * bucketMillis;
  }

  /** Merges a batch, already tallied per bucket start. */
  public void add(Map<Long, ErrorTally> batch) {
    lock.writeLock().lock();
    try {
      batch.forEach(
          (start, tally) ->
              buckets
                  .computeIfAbsent(start, s -> new ErrorTally(limits, budget.share()))
                  .add(tally));
    } finally {
      lock.writeLock().unlock();
    }
    batch
        .values()
        .forEach(
            tally ->
                tally
                    .fingerprints()
                    .values()
                    .forEach(
                        stats -> {
                          if (!ErrorTally.OTHER.equals(stats.fingerprint())
                              && (firstSeen.size() < firstSeenLimit
                                  || firstSeen.containsKey(stats.fingerprint()))) {
                            firstSeen.merge(stats.fingerprint(), stats.firstSeen(), Math::min);
                          }
                        }));
  }

  /** Drops the buckets that end before {@code epochMillis}. */
  public void dropBefore(long epochMillis) {
    lock.writeLock().lock();
    try {
      Map<Long, ErrorTally> dropped =
          buckets.headMap(bucketStart(epochMillis) - bucketMillis, true);
      dropped.values().forEach(ErrorTally::release);
      dropped.clear();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Overall counts of the buckets in [from, to). */
  public Counts counts(long fromMillis, long toMillis) {
    Counts counts = new Counts();
    lock.readLock().lock();
    try {
      range(fromMillis, toMillis).values().forEach(t -> counts.add(t.overall()));
    } finally {
      lock.readLock().unlock();
    }
    return counts;
  }

  /** Everything in [from, to), merged into one tally. */
  public ErrorTally merged(long fromMillis, long toMillis) {
    ErrorTally merged = new ErrorTally(limits, KeyBudget.unlimited());
    lock.readLock().lock();
    try {
      range(fromMillis, toMillis).values().forEach(merged::add);
    } finally {
      lock.readLock().unlock();
    }
    return merged;
  }

  /** The fingerprints of [from, to), most frequent first. */
  public List<FingerprintStats> topErrors(long fromMillis, long toMillis, int limit) {
    List<FingerprintStats> all =
        new ArrayList<>(merged(fromMillis, toMillis).fingerprints().values());
    all.sort(
        Comparator.comparingLong(FingerprintStats::count)
            .reversed()
            .thenComparing(FingerprintStats::fingerprint));
    return all.size() > limit ? all.subList(0, limit) : all;
  }

  /** When {@code fingerprint} was first seen (event time), or null if never. */
  public Long firstSeen(String fingerprint) {
    return firstSeen.get(fingerprint);
  }

  /** The start of the earliest bucket kept, or null when empty. */
  public Long earliestBucket() {
    lock.readLock().lock();
    try {
      return buckets.isEmpty() ? null : buckets.firstKey();
    } finally {
      lock.readLock().unlock();
    }
  }

  public int bucketCount() {
    lock.readLock().lock();
    try {
      return buckets.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  private NavigableMap<Long, ErrorTally> range(long fromMillis, long toMillis) {
    long from = bucketStart(fromMillis);
    return buckets.subMap(from, true, toMillis, false);
  }
}
