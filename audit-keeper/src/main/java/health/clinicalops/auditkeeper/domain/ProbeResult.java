package health.clinicalops.auditkeeper.domain;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * One run of the write probe: whether the runbook's step-1 test INSERT worked (rolled back), the
 * INSERT/SELECT privileges of the database user, whether that user could switch the append-only
 * rules off (it is a member of the role owning "AuditLog"), and the database size against the
 * quota.
 */
@RegisterForReflection
public record ProbeResult(
    Instant at,
    boolean writeOk,
    String writeError,
    String databaseUser,
    boolean canInsert,
    boolean canSelect,
    boolean canAlterRules,
    long databaseSizeBytes,
    long quotaBytes,
    double quotaRatio) {}
