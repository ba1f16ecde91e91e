package health.clinicalops.errorwatch.domain;

import java.time.Instant;
import java.util.Map;

/** One row of {@code GET /api/v1/errors/top}. */
public record TopError(
    String fingerprint,
    long count,
    Instant firstSeen,
    Instant lastSeen,
    String sample,
    Map<String, Long> messages,
    long otherMessages,
    Map<String, Long> endpoints,
    Map<String, Long> roles,
    Map<String, Long> regions,
    Map<String, Long> releases) {

  public static TopError of(FingerprintStats s) {
    return new TopError(
        s.fingerprint(),
        s.count(),
        Instant.ofEpochMilli(s.firstSeen()),
        Instant.ofEpochMilli(s.lastSeen()),
        s.sample(),
        s.messages(),
        s.otherMessages(),
        s.endpoints(),
        s.roles(),
        s.regions(),
        s.releases());
  }
}
