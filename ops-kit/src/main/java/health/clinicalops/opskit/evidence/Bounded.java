package health.clinicalops.opskit.evidence;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The limits every evidence record applies to itself when it is made: a text keeps its first {@link
 * #TEXT} characters, a name (an IP, a username, a fingerprint, a map key) its first {@link #NAME},
 * a list its first {@link #ENTRIES} entries, a map its first {@link #MAP_ENTRIES} in iteration
 * order. With them the largest evidence of any runbook stays below the 64 KB default of {@code
 * clinicalops.outbox.max-evidence-size} (EvidenceBoundsTest measures each), so one report can never
 * outgrow the receiver's body limit and block the ones behind it.
 */
public final class Bounded {

  public static final int TEXT = 1_000;
  public static final int NAME = 200;
  public static final int ENTRIES = 20;
  public static final int MAP_ENTRIES = 10;

  private Bounded() {}

  public static String text(String value) {
    return cut(value, TEXT);
  }

  public static String name(String value) {
    return cut(value, NAME);
  }

  /** At most {@link #ENTRIES} names. */
  public static List<String> names(List<String> values) {
    return values == null ? null : list(values).stream().map(Bounded::name).toList();
  }

  public static <T> List<T> list(List<T> values) {
    return list(values, ENTRIES);
  }

  public static <T> List<T> list(List<T> values, int max) {
    if (values == null) {
      return null;
    }
    return List.copyOf(values.size() <= max ? values : values.subList(0, max));
  }

  public static <V> Map<String, V> map(Map<String, V> values) {
    if (values == null) {
      return null;
    }
    Map<String, V> kept = new LinkedHashMap<>();
    for (Map.Entry<String, V> entry : values.entrySet()) {
      if (kept.size() == MAP_ENTRIES) {
        break;
      }
      kept.put(name(entry.getKey()), entry.getValue());
    }
    return Collections.unmodifiableMap(kept);
  }

  private static String cut(String value, int max) {
    return value == null || value.length() <= max ? value : value.substring(0, max) + "…";
  }
}
