package health.clinicalops.errorwatch.domain;

/** The error-ratio alert's state machine. */
public enum AlertStatus {
  /** Below the threshold (or no evidence). */
  OK,
  /** Above the threshold, not yet for the configured duration. */
  PENDING,
  /** Fired: above the threshold for the duration; resolves below the resolve threshold only. */
  FIRING
}
