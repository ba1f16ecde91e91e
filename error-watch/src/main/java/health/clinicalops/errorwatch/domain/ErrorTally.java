package health.clinicalops.errorwatch.domain;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything error-watch counts about a slice of log lines (one time bucket, or a whole file):
 * requests, errors and 4xx overall and per endpoint, role and region, and the error fingerprints of
 * the {@code level=error} lines. The keys come from the log lines, so an app that logs raw paths
 * makes every line a new one: past the {@link TallyLimits} or the {@link KeyBudget}, lines are
 * counted under {@link #OTHER}, so totals and ratios stay exact. Not thread-safe; {@code
 * ErrorWindows} guards it.
 */
public final class ErrorTally {

  /** The key that counts what did not fit under a cap. */
  public static final String OTHER = "(other)";

  private final TallyLimits limits;
  private final KeyBudget budget;
  private final Counts overall = new Counts();
  private final Map<String, Counts> byEndpoint = new HashMap<>();
  private final Map<String, Counts> byRole = new HashMap<>();
  private final Map<String, Counts> byRegion = new HashMap<>();
  private final Map<String, FingerprintStats> fingerprints = new HashMap<>();

  /** A tally without caps (file mode). */
  public ErrorTally() {
    this(TallyLimits.NONE, KeyBudget.unlimited());
  }

  public ErrorTally(TallyLimits limits, KeyBudget budget) {
    this.limits = limits;
    this.budget = budget;
  }

  /**
   * Counts {@code line}; {@code fingerprint} is null unless it is a {@code level=error} line, and
   * {@code sampleLine} (the raw line) is kept only for a fingerprint's first occurrence.
   */
  public void add(LogLine line, String fingerprint, String sampleLine) {
    overall.add(line);
    slot(byEndpoint, orUnknown(line.endpoint()), k -> new Counts()).add(line);
    slot(byRole, orUnknown(line.role()), k -> new Counts()).add(line);
    slot(byRegion, orUnknown(line.region()), k -> new Counts()).add(line);
    if (fingerprint != null) {
      slot(fingerprints, fingerprint, this::newStats).add(line, sampleLine);
    }
  }

  /** True when a line with {@code fingerprint} would be this tally's first one (wants a sample). */
  public boolean wantsSample(String fingerprint) {
    return !fingerprints.containsKey(fingerprint)
        && (keys(fingerprints) < limits.keysPerTally() || !fingerprints.containsKey(OTHER));
  }

  /** The keys of {@code map} that count against the cap: all but {@link #OTHER}. */
  static int keys(Map<String, ?> map) {
    return map.containsKey(OTHER) ? map.size() - 1 : map.size();
  }

  public void add(ErrorTally other) {
    overall.add(other.overall);
    other.byEndpoint.forEach((k, v) -> slot(byEndpoint, k, x -> new Counts()).add(v));
    other.byRole.forEach((k, v) -> slot(byRole, k, x -> new Counts()).add(v));
    other.byRegion.forEach((k, v) -> slot(byRegion, k, x -> new Counts()).add(v));
    other.fingerprints.forEach((k, v) -> slot(fingerprints, k, this::newStats).add(v));
  }

  /** Gives back to the shared budget what this tally took (it is being dropped). */
  public void release() {
    budget.giveBack();
  }

  /** {@code key}'s entry; a new key only within the cap and the budget, else {@link #OTHER}. */
  private <V> V slot(Map<String, V> map, String key, Function<String, V> create) {
    V value = map.get(key);
    if (value != null) {
      return value;
    }
    if (!OTHER.equals(key) && keys(map) < limits.keysPerTally() && budget.take(key)) {
      value = create.apply(key);
      map.put(key, value);
      return value;
    }
    return map.computeIfAbsent(OTHER, create);
  }

  private FingerprintStats newStats(String fingerprint) {
    return new FingerprintStats(fingerprint, limits.valuesPerFingerprint(), budget);
  }

  private static String orUnknown(String value) {
    return value == null ? "unknown" : value;
  }

  public Counts overall() {
    return overall;
  }

  public Map<String, Counts> byEndpoint() {
    return byEndpoint;
  }

  public Map<String, Counts> byRole() {
    return byRole;
  }

  public Map<String, Counts> byRegion() {
    return byRegion;
  }

  public Map<String, FingerprintStats> fingerprints() {
    return fingerprints;
  }
}
