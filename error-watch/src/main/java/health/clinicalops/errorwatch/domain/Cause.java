package health.clinicalops.errorwatch.domain;

/** The runbook's decision point: what the spike is attributed to. */
public enum Cause {
  /** A deploy shortly before the spike whose errors are new since that release: roll back. */
  SUSPECT_DEPLOYMENT,
  /** db-sentinel reports the database down: its runbook, no rollback. */
  DATABASE,
  /** The errors name an external dependency: wait for it and communicate. */
  THIRD_PARTY,
  /** None of the above could be shown: people investigate. */
  UNKNOWN
}
