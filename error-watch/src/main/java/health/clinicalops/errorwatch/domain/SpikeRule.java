package health.clinicalops.errorwatch.domain;

import health.clinicalops.errorwatch.config.ErrorWatchConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The runbook's trigger as arithmetic over the error-ratio windows, at one bucket end: the error
 * ratio of the trailing ratio window counts only with at least {@code min-requests} behind it; it
 * is above the alert threshold, or below the lower resolve threshold (the gap between the two is
 * the hysteresis). Optionally, a multi-window burn rate (a short and a long window both burning the
 * error budget that fast) counts as above too. Time is passed in; nothing here keeps state.
 */
public final class SpikeRule {

  /** The counts of the requests whose event time is in [from, to). */
  @FunctionalInterface
  public interface WindowCounts {
    Counts counts(long fromMillis, long toMillis);
  }

  /**
   * @param threshold an error ratio above this is a spike (runbook: 10%)
   * @param resolveThreshold an error ratio below this is over
   * @param minRequests fewer requests in a window are no evidence either way
   * @param ratioWindow the trailing window of the ratio
   * @param burnRate the burn-rate windows, when on
   */
  public record Thresholds(
      double threshold,
      double resolveThreshold,
      long minRequests,
      Duration ratioWindow,
      Optional<BurnRate> burnRate) {

    public static Thresholds of(ErrorWatchConfig.Alert alert, ErrorWatchConfig.BurnRate burn) {
      return new Thresholds(
          alert.threshold(),
          alert.resolveThreshold(),
          alert.minRequests(),
          alert.ratioWindow(),
          burn.enabled()
              ? Optional.of(
                  new BurnRate(
                      burn.sloTarget(),
                      burn.fastLongWindow(),
                      burn.fastShortWindow(),
                      burn.fastFactor(),
                      burn.slowLongWindow(),
                      burn.slowShortWindow(),
                      burn.slowFactor()))
              : Optional.empty());
    }
  }

  /** Two pairs of windows burning the error budget ({@code 1 - sloTarget}) at a factor. */
  public record BurnRate(
      double sloTarget,
      Duration fastLongWindow,
      Duration fastShortWindow,
      double fastFactor,
      Duration slowLongWindow,
      Duration slowShortWindow,
      double slowFactor) {}

  /**
   * What the windows say at one bucket end.
   *
   * @param ratio the error ratio of the ratio window
   * @param enoughRequests the ratio window had at least {@code min-requests}
   * @param burning the burn-rate condition holds
   * @param above the alert's condition holds
   * @param below the resolve condition holds
   */
  public record Reading(
      double ratio, boolean enoughRequests, boolean burning, boolean above, boolean below) {}

  private final Thresholds thresholds;

  public SpikeRule(Thresholds thresholds) {
    this.thresholds = thresholds;
  }

  /** The reading at {@code bucketEnd}: the windows that end there. */
  public Reading read(Instant bucketEnd, WindowCounts windows) {
    long t = bucketEnd.toEpochMilli();
    Counts counts = windows.counts(t - thresholds.ratioWindow().toMillis(), t);
    boolean enough = counts.requests() >= thresholds.minRequests();
    double ratio = counts.errorRatio();
    boolean burning = thresholds.burnRate().map(b -> burning(t, b, windows)).orElse(false);
    boolean above = (enough && ratio > thresholds.threshold()) || burning;
    boolean below = enough && ratio < thresholds.resolveThreshold() && !burning;
    return new Reading(ratio, enough, burning, above, below);
  }

  private boolean burning(long t, BurnRate burn, WindowCounts windows) {
    double budget = 1 - burn.sloTarget();
    return burning(
            t, burn.fastLongWindow(), burn.fastShortWindow(), burn.fastFactor() * budget, windows)
        || burning(
            t, burn.slowLongWindow(), burn.slowShortWindow(), burn.slowFactor() * budget, windows);
  }

  private boolean burning(
      long t, Duration longWindow, Duration shortWindow, double ratio, WindowCounts windows) {
    Counts shortCounts = windows.counts(t - shortWindow.toMillis(), t);
    if (shortCounts.requests() < thresholds.minRequests() || shortCounts.errorRatio() < ratio) {
      return false;
    }
    return windows.counts(t - longWindow.toMillis(), t).errorRatio() >= ratio;
  }

  /**
   * The bucket ends to evaluate now, oldest first, every {@code bucket}: from the one after the
   * last evaluated (or, the first time, after the earliest bucket held) to the last bucket complete
   * {@code lateness} ago; never further back than {@code retention}. Empty when nothing is due.
   */
  public static BucketEnds dueBucketEnds(
      Instant now,
      Duration bucket,
      Duration lateness,
      Duration retention,
      Optional<Instant> evaluatedThrough,
      Optional<Instant> earliestBucket) {
    long size = bucket.toMillis();
    long last = Math.floorDiv(now.toEpochMilli() - lateness.toMillis(), size) * size;
    long first =
        evaluatedThrough
            .map(through -> through.toEpochMilli() + size)
            .orElseGet(
                () ->
                    earliestBucket.map(e -> Math.min(last, e.toEpochMilli() + size)).orElse(last));
    first = Math.max(first, last - retention.toMillis());
    return new BucketEnds(Instant.ofEpochMilli(first), Instant.ofEpochMilli(last), bucket);
  }

  /** Bucket ends from {@code first} to {@code last} (both included), {@code step} apart. */
  public record BucketEnds(Instant first, Instant last, Duration step) {

    public boolean isEmpty() {
      return first.isAfter(last);
    }

    public List<Instant> all() {
      List<Instant> ends = new ArrayList<>();
      for (Instant t = first; !t.isAfter(last); t = t.plus(step)) {
        ends.add(t);
      }
      return ends;
    }
  }
}
