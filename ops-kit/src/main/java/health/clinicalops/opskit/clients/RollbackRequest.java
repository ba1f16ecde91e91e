package health.clinicalops.opskit.clients;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * rollback-orchestrator's {@code POST /api/v1/rollbacks} body, the one type both sides use. Without
 * {@code database} it is code-only; with it, the database procedure restores {@code
 * database.backup} (a named pre-deploy backup) or {@code database.pointInTime}.
 *
 * @param toRevision the Deployment revision to go back to; absent = its last stable one
 * @param dryRun only plan: nothing changes and there is nothing to approve
 * @param requireApproval wait for an operator's approval whatever the orchestrator's mode (what a
 *     service in {@code recommend} mode asks for)
 */
public record RollbackRequest(
    @NotBlank @Size(max = 253) String deployment,
    @Positive Long toRevision,
    @NotBlank @Size(max = 2000) String reason,
    Boolean dryRun,
    Boolean requireApproval,
    @Valid DatabaseRestore database) {

  /** What the database is restored from. */
  public record DatabaseRestore(@Size(max = 121) String backup, Instant pointInTime) {}

  /** A code-only rollback a service asks for; {@code toRevision} null = the last stable one. */
  public static RollbackRequest codeOnly(
      String deployment, Long toRevision, String reason, boolean requireApproval) {
    return new RollbackRequest(deployment, toRevision, reason, null, requireApproval, null);
  }

  public boolean isDryRun() {
    return Boolean.TRUE.equals(dryRun);
  }

  public boolean approvalRequired() {
    return Boolean.TRUE.equals(requireApproval);
  }
}
