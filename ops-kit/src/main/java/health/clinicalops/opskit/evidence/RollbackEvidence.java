package health.clinicalops.opskit.evidence;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Evidence of the "Rollback Deployment" runbook: which rollback, of what, from and to which
 * revision, why, and where it failed if it did. Fields that do not apply are null and left out of
 * the JSON.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RollbackEvidence(
    Long rollbackId,
    String deployment,
    Long fromRevision,
    Long toRevision,
    String kind,
    String reason,
    String outcome,
    String failedStep,
    String error,
    Boolean maintenanceOn)
    implements Evidence {

  public RollbackEvidence {
    deployment = Bounded.name(deployment);
    kind = Bounded.name(kind);
    reason = Bounded.text(reason);
    outcome = Bounded.name(outcome);
    failedStep = Bounded.name(failedStep);
    error = Bounded.text(error);
  }

  /** A rollback as requested: what, from and to which revision, why. */
  public static RollbackEvidence requested(
      long rollbackId,
      String deployment,
      long fromRevision,
      long toRevision,
      String kind,
      String reason) {
    return new RollbackEvidence(
        rollbackId, deployment, fromRevision, toRevision, kind, reason, null, null, null, null);
  }

  /** Only the rollback's id: a step adds nothing else to what the incident knows. */
  public static RollbackEvidence of(long rollbackId) {
    return new RollbackEvidence(rollbackId, null, null, null, null, null, null, null, null, null);
  }

  public static RollbackEvidence succeeded(long rollbackId) {
    return new RollbackEvidence(
        rollbackId, null, null, null, null, null, "succeeded", null, null, null);
  }

  public static RollbackEvidence failed(
      long rollbackId, String failedStep, String error, boolean maintenanceOn) {
    return new RollbackEvidence(
        rollbackId, null, null, null, null, null, "failed", failedStep, error, maintenanceOn);
  }

  @Override
  public String runbook() {
    return Runbooks.ROLLBACK_DEPLOYMENT;
  }
}
