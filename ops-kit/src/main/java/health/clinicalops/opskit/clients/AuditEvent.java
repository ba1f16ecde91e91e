package health.clinicalops.opskit.clients;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One audit event as audit-keeper's {@code POST /api/v1/audit-events} takes it: the runbook's
 * {@code "AuditLog"} columns plus {@code id}, the idempotency key (sending it twice stores one
 * row).
 */
public record AuditEvent(
    String id,
    String userId,
    String action,
    Map<String, Object> details,
    Instant timestamp,
    String ipAddress) {

  /** An automated action of this service: {@code actor} is the service or person who did it. */
  public static AuditEvent of(String actor, String action, Map<String, Object> details) {
    return new AuditEvent(
        UUID.randomUUID().toString(), actor, action, Map.copyOf(details), Instant.now(), null);
  }
}
