package health.clinicalops.authguard.domain;

import health.clinicalops.opskit.evidence.AuthAbuseEvidence;
import java.time.Instant;

/**
 * A classified attack and its evidence, one per pattern and subject (the IP for credential
 * stuffing, the account for brute force and distributed attacks).
 */
public record Attack(
    String dedupKey,
    AttackClass attackClass,
    String subject,
    Instant firstSeen,
    Instant lastSeen,
    long failures,
    boolean sessionsRevoked,
    boolean shadow,
    AuthAbuseEvidence evidence) {

  /** The same attack with newer evidence and whether its sessions are revoked now. */
  public Attack withEvidence(AuthAbuseEvidence newer, boolean revoked) {
    return new Attack(
        dedupKey, attackClass, subject, firstSeen, lastSeen, failures, revoked, shadow, newer);
  }
}
