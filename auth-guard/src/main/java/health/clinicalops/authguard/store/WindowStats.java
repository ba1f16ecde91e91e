package health.clinicalops.authguard.store;

import java.util.List;

/** A policy's statistics for one window: active clients, limited clients, 429s and who got them. */
public record WindowStats(
    long activeClients,
    long limitedClients,
    long denials,
    List<Ranked> topKeys,
    List<Ranked> topEndpoints) {

  /** A name and how many 429s it got. */
  public record Ranked(String name, long count) {}
}
