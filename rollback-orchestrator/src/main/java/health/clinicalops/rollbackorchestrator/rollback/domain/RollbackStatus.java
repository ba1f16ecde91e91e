package health.clinicalops.rollbackorchestrator.rollback.domain;

/** Where a rollback stands. */
public enum RollbackStatus {
  /** Asked for by a service in {@code recommend} mode: waits for a person's approval. */
  AWAITING_APPROVAL,
  /** A dry run: planned, nothing changed. */
  PLANNED,
  /** Steps are being carried out (resumed after a crash from {@code nextStep}). */
  RUNNING,
  SUCCEEDED,
  /** A step failed; the steps say which and why. */
  FAILED,
  /** A person declined the recommendation. */
  REJECTED
}
