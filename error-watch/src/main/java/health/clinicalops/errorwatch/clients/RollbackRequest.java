package health.clinicalops.errorwatch.clients;

/**
 * rollback-orchestrator's {@code POST /api/v1/rollbacks} body.
 *
 * @param deployment the Deployment to roll back
 * @param toRevision the revision to go to; absent = its last stable one
 * @param reason why, for people and the audit trail
 * @param dryRun true in {@code recommend} mode: plan and ask a person, change nothing
 */
public record RollbackRequest(
    String deployment, String toRevision, String reason, Boolean dryRun) {}
