package health.clinicalops.rollbackorchestrator.incident.domain;

/** Who took a timeline step. */
public enum StepKind {
  /** A service did it. */
  AUTOMATED,
  /** A person did it (an operator token). */
  MANUAL
}
