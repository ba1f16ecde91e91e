package health.clinicalops.opskit.clients;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * What a service sends to rollback-orchestrator's {@code POST /api/v1/incidents}. The first report
 * with a {@code dedupKey} opens an incident; later ones with the same key update it and append
 * {@code step} to its timeline; {@code resolved = true} closes it. {@code reportId} names this one
 * report: the outbox may deliver a report twice (a crash between delivery and bookkeeping), and the
 * receiver applies each id once.
 */
public record IncidentReport(
    String dedupKey,
    String runbook,
    Severity severity,
    String title,
    Map<String, Object> evidence,
    String source,
    Step step,
    boolean resolved,
    String reportId) {

  /**
   * The evidence key of the "Emergency Escalation" runbook's "data breach suspected": {@code true}
   * makes rollback-orchestrator page the breach contacts as well.
   */
  public static final String SUSPECTED_DATA_BREACH = "suspectedDataBreach";

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
        dedupKey, runbook, severity, title, Map.copyOf(evidence), source, null, false, newId());
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
        resolved,
        newId());
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
        true,
        newId());
  }

  /** The same report with other evidence (e.g. bounded to fit the receiver's body limit). */
  public IncidentReport withEvidence(Map<String, Object> replacement) {
    return new IncidentReport(
        dedupKey, runbook, severity, title, replacement, source, step, resolved, reportId);
  }

  /** The same report with an id, when it has none yet. */
  public IncidentReport withReportIdIfMissing() {
    return reportId != null
        ? this
        : new IncidentReport(
            dedupKey, runbook, severity, title, evidence, source, step, resolved, newId());
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }
}
