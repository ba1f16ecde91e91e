package health.clinicalops.opskit.clients;

import java.time.Instant;
import java.util.Map;

/**
 * What a service sends to rollback-orchestrator's {@code POST /api/v1/incidents}. The first report
 * with a {@code dedupKey} opens an incident; later ones with the same key update it and append
 * {@code step} to its timeline; {@code resolved = true} closes it.
 */
public record IncidentReport(
    String dedupKey,
    String runbook,
    Severity severity,
    String title,
    Map<String, Object> evidence,
    String source,
    Step step,
    boolean resolved) {

  /** One timeline entry: what was done, by whom, when. */
  public record Step(String action, String detail, String actor, Instant at) {}

  public static IncidentReport open(
      String dedupKey,
      String runbook,
      Severity severity,
      String title,
      Map<String, Object> evidence,
      String source) {
    return new IncidentReport(
        dedupKey, runbook, severity, title, Map.copyOf(evidence), source, null, false);
  }

  public IncidentReport withStep(String action, String detail) {
    return new IncidentReport(
        dedupKey,
        runbook,
        severity,
        title,
        evidence,
        source,
        new Step(action, detail, source, Instant.now()),
        resolved);
  }

  public IncidentReport resolvedBy(String detail) {
    return new IncidentReport(
        dedupKey,
        runbook,
        severity,
        title,
        evidence,
        source,
        new Step("resolved", detail, source, Instant.now()),
        true);
  }
}
