package health.clinicalops.authguard.domain;

import java.time.Instant;
import java.util.Map;

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
    Map<String, Object> evidence) {}
