package health.clinicalops.authguard.domain;

import health.clinicalops.opskit.evidence.AuthAbuseEvidence;
import java.time.Instant;

/**
 * A block of one source IP. {@code offence} counts this IP's blocks within the offence memory (the
 * TTL grows with it); {@code shadow} blocks were decided in shadow mode and are not enforced.
 */
public record IpBlock(
    long id,
    String ip,
    String reason,
    String origin,
    String createdBy,
    Instant createdAt,
    Instant expiresAt,
    int offence,
    boolean shadow,
    Instant liftedAt,
    String liftedBy,
    AuthAbuseEvidence evidence) {

  public boolean activeAt(Instant now) {
    return liftedAt == null && now.isBefore(expiresAt);
  }

  public boolean enforcedAt(Instant now) {
    return !shadow && activeAt(now);
  }
}
