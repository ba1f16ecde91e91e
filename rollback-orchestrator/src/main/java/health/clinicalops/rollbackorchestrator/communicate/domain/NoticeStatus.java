package health.clinicalops.rollbackorchestrator.communicate.domain;

/** Where an email to a subscriber stands. */
public enum NoticeStatus {
  /** Waiting to be sent (or to be retried). */
  PENDING,
  /** The SMTP server accepted it. */
  SENT,
  /** Given up after the last attempt. */
  FAILED
}
