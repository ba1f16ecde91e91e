package health.clinicalops.authguard.store;

import java.util.List;

/**
 * A policy's statistics for one window: active clients, limited clients, 429s and who got them, and
 * of a random sample of the limited clients how many were already active in the window before
 * ({@code returningInSample} of {@code sampledLimited}): clients the app knew before the spike, not
 * keys that appeared with it.
 */
public record WindowStats(
    long activeClients,
    long limitedClients,
    long denials,
    List<Ranked> topKeys,
    List<Ranked> topEndpoints,
    long sampledLimited,
    long returningInSample) {

  /** How many limited clients are sampled to tell returning clients from new ones. */
  public static final int SAMPLE = 100;

  /** The share of sampled limited clients that were active in the window before; 0 when none. */
  public double returningShare() {
    return sampledLimited == 0 ? 0 : (double) returningInSample / sampledLimited;
  }

  /** A name and how many 429s it got. */
  public record Ranked(String name, long count) {}
}
