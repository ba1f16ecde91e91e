package health.clinicalops.errorwatch.domain;

import java.util.HashMap;
import java.util.Map;

/**
 * Everything error-watch counts about a slice of log lines (one time bucket, or a whole file):
 * requests, errors and 4xx overall and per endpoint, role and region, and the error fingerprints of
 * the {@code level=error} lines. Not thread-safe; {@code ErrorWindows} guards it.
 */
public final class ErrorTally {

  private final Counts overall = new Counts();
  private final Map<String, Counts> byEndpoint = new HashMap<>();
  private final Map<String, Counts> byRole = new HashMap<>();
  private final Map<String, Counts> byRegion = new HashMap<>();
  private final Map<String, FingerprintStats> fingerprints = new HashMap<>();

  /**
   * Counts {@code line}; {@code fingerprint} is null unless it is a {@code level=error} line, and
   * {@code sampleLine} (the raw line) is kept only for a fingerprint's first occurrence.
   */
  public void add(LogLine line, String fingerprint, String sampleLine) {
    overall.add(line);
    byEndpoint.computeIfAbsent(orUnknown(line.endpoint()), k -> new Counts()).add(line);
    byRole.computeIfAbsent(orUnknown(line.role()), k -> new Counts()).add(line);
    byRegion.computeIfAbsent(orUnknown(line.region()), k -> new Counts()).add(line);
    if (fingerprint != null) {
      fingerprints.computeIfAbsent(fingerprint, FingerprintStats::new).add(line, sampleLine);
    }
  }

  /** True when a line with {@code fingerprint} would be this tally's first one (wants a sample). */
  public boolean wantsSample(String fingerprint) {
    return !fingerprints.containsKey(fingerprint);
  }

  public void add(ErrorTally other) {
    overall.add(other.overall);
    other.byEndpoint.forEach((k, v) -> byEndpoint.computeIfAbsent(k, x -> new Counts()).add(v));
    other.byRole.forEach((k, v) -> byRole.computeIfAbsent(k, x -> new Counts()).add(v));
    other.byRegion.forEach((k, v) -> byRegion.computeIfAbsent(k, x -> new Counts()).add(v));
    other.fingerprints.forEach(
        (k, v) -> fingerprints.computeIfAbsent(k, FingerprintStats::new).add(v));
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
