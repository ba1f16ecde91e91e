package health.clinicalops.dbsentinel.domain;

import java.time.Instant;
import java.util.Map;

/**
 * One step the sentinel took (or, in dry run, would have taken): what, why, when, and whether it
 * was only reported.
 */
public record SentinelAction(
    String action, String detail, Map<String, Object> evidence, boolean dryRun, Instant at) {

  public SentinelAction {
    evidence = Map.copyOf(evidence);
  }
}
