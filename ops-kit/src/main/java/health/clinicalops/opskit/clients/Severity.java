package health.clinicalops.opskit.clients;

/** Incident severity, from the runbooks' table. */
public enum Severity {
  /** Critical: page the CTO at once. */
  P0,
  /** High: page the security team at once; escalate if unacknowledged after 15 min. */
  P1,
  /** Medium: the on-call engineer. */
  P2,
  /** Low: the product team. */
  P3
}
