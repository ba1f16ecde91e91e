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

  @Override
  public String runbook() {
    return Runbooks.ROLLBACK_DEPLOYMENT;
  }
}
