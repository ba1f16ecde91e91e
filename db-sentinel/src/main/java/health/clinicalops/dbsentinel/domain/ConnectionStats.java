package health.clinicalops.dbsentinel.domain;

import java.util.Map;

/**
 * Client connections from {@code pg_stat_activity}: {@code used} of {@code max} usable slots
 * ({@code max_connections} minus reserved ones), and counts by session state. Null numbers when the
 * database could not be asked.
 */
public record ConnectionStats(Integer used, Integer max, Map<String, Integer> byState) {

  public static final ConnectionStats UNKNOWN = new ConnectionStats(null, null, Map.of());

  public ConnectionStats {
    byState = Map.copyOf(byState);
  }

  /** used / max, or 0 when unknown. */
  public double saturation() {
    if (used == null || max == null || max <= 0) {
      return 0;
    }
    return (double) used / max;
  }
}
