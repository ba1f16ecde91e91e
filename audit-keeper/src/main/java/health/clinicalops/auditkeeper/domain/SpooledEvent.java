package health.clinicalops.auditkeeper.domain;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/** The payload of one spool record: the event as it will be stored, and when it was spooled. */
@RegisterForReflection
public record SpooledEvent(
    Instant spooledAt,
    String id,
    String userId,
    String action,
    String detailsJson,
    Instant timestamp,
    String ipAddress) {

  public static SpooledEvent of(AuditRecord r, Instant spooledAt) {
    return new SpooledEvent(
        spooledAt, r.id(), r.userId(), r.action(), r.detailsJson(), r.timestamp(), r.ipAddress());
  }

  public AuditRecord record() {
    return new AuditRecord(id, userId, action, detailsJson, timestamp, ipAddress);
  }
}
