package health.clinicalops.errorwatch.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * The persisted state of the error-ratio alert.
 *
 * @param status where the state machine is
 * @param alertId the current (or last) alert
 * @param pendingSince when the ratio first went above the threshold (the spike's start)
 * @param firingSince when the alert fired
 * @param resolvePendingSince when a firing alert's ratio went below the resolve threshold
 * @param evaluatedThrough the end of the last bucket evaluated (event time)
 * @param decided the decision for the current alert was made (so it is made once per alert)
 */
public record AlertState(
    AlertStatus status,
    UUID alertId,
    Instant pendingSince,
    Instant firingSince,
    Instant resolvePendingSince,
    Instant evaluatedThrough,
    boolean decided) {

  public static AlertState initial() {
    return new AlertState(AlertStatus.OK, null, null, null, null, null, false);
  }
}
