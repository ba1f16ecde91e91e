package health.clinicalops.rollbackorchestrator.rollback.domain;

/** The runbook's two rollback procedures. */
public enum RollbackKind {
  /** "Code-Only Rollback (5 min)": the previous release's pod template, nothing else. */
  CODE_ONLY,
  /** "Rollback with Database (30 min)": maintenance, backup, restore, deploy, verify. */
  WITH_DATABASE
}
