package health.clinicalops.rollbackorchestrator.communicate.domain;

/** Why an email is sent. */
public enum NoticeKind {
  /** Double opt-in: the confirmation link. */
  CONFIRMATION,
  /** An outage or maintenance has lasted longer than the notice threshold. */
  DISRUPTION_STARTED,
  /** That outage or maintenance is over. */
  DISRUPTION_ENDED
}
