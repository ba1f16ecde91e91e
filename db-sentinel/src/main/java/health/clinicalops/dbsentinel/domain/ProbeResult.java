package health.clinicalops.dbsentinel.domain;

import java.time.Instant;

/** The outcome of one probe: reachable with latency and activity, or a failure with its cause. */
public record ProbeResult(
    boolean reachable,
    Cause failureCause,
    String detail,
    Long latencyMs,
    DatabaseActivity activity,
    Instant at) {

  public static ProbeResult reachable(long latencyMs, DatabaseActivity activity, Instant at) {
    return new ProbeResult(true, Cause.NONE, "", latencyMs, activity, at);
  }

  public static ProbeResult failed(Cause cause, String detail, Instant at) {
    return new ProbeResult(false, cause, detail, null, DatabaseActivity.NONE, at);
  }
}
