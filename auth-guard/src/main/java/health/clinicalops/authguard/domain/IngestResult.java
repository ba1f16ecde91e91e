package health.clinicalops.authguard.domain;

import java.util.List;

/**
 * What auth-guard did with a batch of sign-in events: how many were counted and rejected (with the
 * line and reason), which sources it blocked and which attacks it recognised.
 */
public record IngestResult(
    int accepted,
    int rejected,
    List<LineError> errors,
    List<String> blockedIps,
    List<String> attacks) {

  /** A line of an NDJSON batch that was not counted, and why. */
  public record LineError(int line, String detail) {}
}
