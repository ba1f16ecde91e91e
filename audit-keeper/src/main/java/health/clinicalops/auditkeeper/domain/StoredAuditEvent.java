package health.clinicalops.auditkeeper.domain;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/** A row of "AuditLog" as the review API shows it, with its place in the hash chain. */
@RegisterForReflection
public record StoredAuditEvent(
    long seq,
    String id,
    String userId,
    String action,
    @JsonRawValue String details,
    Instant timestamp,
    String ipAddress,
    String prevHash,
    String hash,
    Instant recordedAt) {}
