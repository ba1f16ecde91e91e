package health.clinicalops.rollbackorchestrator.rollback.domain;

import java.util.List;

/** The steps of the two procedures, in order. */
public enum RollbackStepName {
  /** Database rollback step 1: "Stop Write Traffic". */
  MAINTENANCE_ON,
  /** Step 2: "Backup Current State" with pg_dump, and the row counts at that moment. */
  BACKUP,
  /** Step 3: "Restore Database" from a named pre-deploy backup or a point-in-time restore. */
  RESTORE,
  /** Step 4 (and the code-only rollback): patch the Deployment's pod template. */
  DEPLOY,
  /** Watch the rollout to completion within the progress deadline. */
  AWAIT_ROLLOUT,
  /** Step 5: "Verify Data Integrity" (row counts against the backup, within tolerances). */
  VERIFY_DATA,
  /** Step 6: "Resume Write Traffic". */
  MAINTENANCE_OFF,
  /** The runbook's "Verify": the app's health endpoint. */
  VERIFY_HEALTH,
  DONE;

  public static final List<RollbackStepName> CODE_ONLY =
      List.of(DEPLOY, AWAIT_ROLLOUT, VERIFY_HEALTH, DONE);

  public static final List<RollbackStepName> WITH_DATABASE =
      List.of(
          MAINTENANCE_ON,
          BACKUP,
          RESTORE,
          DEPLOY,
          AWAIT_ROLLOUT,
          VERIFY_DATA,
          MAINTENANCE_OFF,
          VERIFY_HEALTH,
          DONE);

  public static List<RollbackStepName> sequence(RollbackKind kind) {
    return kind == RollbackKind.CODE_ONLY ? CODE_ONLY : WITH_DATABASE;
  }

  public RollbackStepName next(RollbackKind kind) {
    List<RollbackStepName> sequence = sequence(kind);
    int index = sequence.indexOf(this);
    return index < 0 || index + 1 >= sequence.size() ? DONE : sequence.get(index + 1);
  }
}
