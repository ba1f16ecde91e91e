package health.clinicalops.auditkeeper.domain;

import java.time.Instant;

/**
 * One validated audit event, ready to be stored: the runbook's "AuditLog" columns, {@code id} being
 * the idempotency key, and {@code detailsJson} the details object as JSON text.
 */
public record AuditRecord(
    String id,
    String userId,
    String action,
    String detailsJson,
    Instant timestamp,
    String ipAddress) {}
