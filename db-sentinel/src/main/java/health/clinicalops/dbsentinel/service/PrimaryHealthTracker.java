package health.clinicalops.dbsentinel.service;

import health.clinicalops.dbsentinel.config.DbSentinelConfig;
import health.clinicalops.dbsentinel.domain.Cause;
import health.clinicalops.dbsentinel.domain.DatabaseActivity;
import health.clinicalops.dbsentinel.domain.DatabaseState;
import health.clinicalops.dbsentinel.domain.ProbeResult;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns the sequence of probe results into states with their start times: healthy, degraded
 * (saturated above the threshold, or slow) and down (with the failure's cause). Not thread-safe:
 * the probe loop is its only caller.
 */
public final class PrimaryHealthTracker {

  private final DbSentinelConfig config;

  private DatabaseState state;
  private Cause cause;
  private Instant since;
  private Instant causeSince;
  private Instant lastReachableAt;
  private Instant firstFailureAt;
  private Instant answeringSince;
  private DatabaseActivity lastActivity = DatabaseActivity.NONE;
  private Long latencyMs;

  public PrimaryHealthTracker(DbSentinelConfig config) {
    this.config = config;
  }

  public Observation observe(ProbeResult primary, Optional<ProbeResult> backup) {
    Instant at = primary.at();
    DatabaseState nextState;
    Cause nextCause;
    if (primary.reachable()) {
      lastReachableAt = at;
      firstFailureAt = null;
      if (answeringSince == null) {
        answeringSince = at;
      }
      lastActivity = primary.activity();
      latencyMs = primary.latencyMs();
      if (primary.activity().connections().saturation() > config.saturation().threshold()) {
        nextState = DatabaseState.DEGRADED;
        nextCause = Cause.SATURATION;
      } else if (primary.latencyMs() > config.probe().slowLatency().toMillis()) {
        nextState = DatabaseState.DEGRADED;
        nextCause = Cause.SLOW;
      } else {
        nextState = DatabaseState.HEALTHY;
        nextCause = Cause.NONE;
      }
    } else {
      answeringSince = null;
      latencyMs = null;
      if (firstFailureAt == null) {
        firstFailureAt = at;
      }
      nextState = DatabaseState.DOWN;
      nextCause =
          primary.failureCause() == Cause.CIRCUIT_OPEN
                  && cause != null
                  && state == DatabaseState.DOWN
              ? cause
              : primary.failureCause();
    }
    if (nextState != state) {
      since = at;
    }
    if (nextCause != cause) {
      causeSince = at;
    }
    state = nextState;
    cause = nextCause;
    Optional<Instant> outageStartedAt =
        state == DatabaseState.DOWN
            ? Optional.of(lastReachableAt != null ? lastReachableAt : firstFailureAt)
            : Optional.empty();
    return new Observation(
        state,
        cause,
        primary.detail(),
        since,
        latencyMs,
        lastActivity,
        outageStartedAt,
        Optional.ofNullable(answeringSince),
        causeSince,
        backup,
        at);
  }
}
