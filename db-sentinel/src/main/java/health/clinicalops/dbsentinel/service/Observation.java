package health.clinicalops.dbsentinel.service;

import health.clinicalops.dbsentinel.domain.Cause;
import health.clinicalops.dbsentinel.domain.DatabaseActivity;
import health.clinicalops.dbsentinel.domain.DatabaseState;
import health.clinicalops.dbsentinel.domain.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What one probe round concluded about the primary, with the durations the response rules need.
 *
 * @param outageStartedAt while the primary does not answer: the last moment it was known to answer
 *     (its last good probe), or the first failed probe if it never answered since start
 * @param answeringSince while the primary answers: the first good probe of this streak
 * @param causeSince when the current cause (e.g. authentication, saturation) was first seen
 * @param lastActivity the last activity seen, kept through an outage for the incident evidence
 */
public record Observation(
    DatabaseState state,
    Cause cause,
    String detail,
    Instant since,
    Long latencyMs,
    DatabaseActivity lastActivity,
    Optional<Instant> outageStartedAt,
    Optional<Instant> answeringSince,
    Instant causeSince,
    Optional<ProbeResult> backup,
    Instant at) {

  /** How long the primary has not been answering; zero while it answers. */
  public Duration unreachableFor() {
    return outageStartedAt.map(s -> Duration.between(s, at)).orElse(Duration.ZERO);
  }

  /** How long the primary has been answering; zero while it does not. */
  public Duration answeringFor() {
    return answeringSince.map(s -> Duration.between(s, at)).orElse(Duration.ZERO);
  }

  /** How long the current cause has lasted. */
  public Duration causeFor() {
    return Duration.between(causeSince, at);
  }

  public boolean primaryUnreachable() {
    return state == DatabaseState.DOWN && cause.meansUnreachable();
  }

  public boolean primaryAnswering() {
    return state != DatabaseState.DOWN;
  }

  public boolean backupHealthy() {
    return backup.map(ProbeResult::reachable).orElse(false);
  }
}
