package health.clinicalops.auditkeeper.domain;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** The result of {@code GET /api/v1/audit/verify}: {@code valid} when no problem was found. */
@RegisterForReflection
public record VerificationReport(
    boolean valid,
    long checkedRows,
    Long firstSeq,
    Long lastSeq,
    long tombstonesCrossed,
    List<ChainProblem> problems) {}
