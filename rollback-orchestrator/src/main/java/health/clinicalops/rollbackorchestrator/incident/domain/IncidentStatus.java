package health.clinicalops.rollbackorchestrator.incident.domain;

/** Where an incident stands. */
public enum IncidentStatus {
  /** Open and not acknowledged: escalation runs. */
  OPEN,
  /** A person has it: escalation stopped. */
  ACKNOWLEDGED,
  /** Closed. A later report with the same dedup key opens a new incident. */
  RESOLVED
}
