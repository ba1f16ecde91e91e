package health.clinicalops.errorwatch.domain;

/**
 * The memory that tallies may spend on keys they did not choose (endpoints, messages, samples...),
 * estimated from each key's length: one shared budget for all the buckets of the windows, with one
 * {@link #share()} per bucket that gives back what it took when the bucket is dropped. Not
 * thread-safe; the windows' lock guards it.
 */
public final class KeyBudget {

  /** A map entry, the String and its array header, and the value object, roughly. */
  private static final long BYTES_PER_KEY = 120;

  private final KeyBudget shared;
  private long remaining;
  private long taken;

  private KeyBudget(KeyBudget shared, long bytes) {
    this.shared = shared;
    this.remaining = bytes;
  }

  public static KeyBudget of(long bytes) {
    return new KeyBudget(null, bytes);
  }

  /** For tallies that live only as long as one request or query. */
  public static KeyBudget unlimited() {
    return of(Long.MAX_VALUE);
  }

  /** A share of this budget that remembers what it took, for {@link #giveBack()}. */
  public KeyBudget share() {
    return new KeyBudget(this, 0);
  }

  /** Takes what holding {@code key} costs; false (nothing taken) when it does not fit. */
  public boolean take(String key) {
    long cost = cost(key);
    KeyBudget root = shared == null ? this : shared;
    if (root.remaining < cost) {
      return false;
    }
    root.remaining -= cost;
    taken += cost;
    return true;
  }

  /** Returns what {@link #take} took for {@code key} (a key no longer held). */
  public void giveBack(String key) {
    long cost = Math.min(cost(key), taken);
    (shared == null ? this : shared).remaining += cost;
    taken -= cost;
  }

  private static long cost(String key) {
    return BYTES_PER_KEY + 2L * key.length();
  }

  /** Returns everything this share took to the shared budget. */
  public void giveBack() {
    if (shared != null) {
      shared.remaining += taken;
    }
    taken = 0;
  }

  public long remaining() {
    return shared == null ? remaining : shared.remaining;
  }
}
