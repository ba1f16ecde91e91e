package health.clinicalops.rollbackorchestrator.incident.domain;

/** Delivery state of a page. */
public enum PageStatus {
  /** Waiting for (another) delivery attempt. */
  PENDING,
  /** The webhook accepted it. */
  SENT,
  /** Given up: attempts exhausted or no webhook configured. */
  FAILED
}
