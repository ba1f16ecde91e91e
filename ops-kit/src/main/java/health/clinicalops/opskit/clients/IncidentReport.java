package health.clinicalops.opskit.clients;

import health.clinicalops.opskit.evidence.Evidence;
import java.time.Instant;
import java.util.UUID;

/**
 * What a service sends to rollback-orchestrator's {@code POST /api/v1/incidents}. The first report
 * with a {@code dedupKey} opens an incident; later ones with the same key update it (the newest
 * evidence wins, field by field) and append {@code step} to its timeline; {@code resolved = true}
 * closes it. {@code suspectedDataBreach} is the "Emergency Escalation" runbook's "data breach
 * suspected": once a report sets it, the breach contacts are paged as well. {@code reportId} names
 * this one report: the outbox may deliver a report twice (a crash between delivery and
 * bookkeeping), and the receiver applies each id once.
 *
 * <p>Services do not build reports by hand: ops-kit's {@code RunbookJournal} does.
 */
public record IncidentReport(
    String dedupKey,
    String runbook,
    Severity severity,
    String title,
    Evidence evidence,
    boolean suspectedDataBreach,
    String source,
    Step step,
    boolean resolved,
    String reportId) {

  /** One timeline entry: what was done, by whom, when. */
  public record Step(String action, String detail, String actor, Instant at) {}

  public static IncidentReport open(
      String dedupKey,
      Severity severity,
      String title,
      Evidence evidence,
      boolean suspectedDataBreach,
      String source) {
    return new IncidentReport(
        dedupKey,
        evidence.runbook(),
        severity,
        title,
        evidence,
        suspectedDataBreach,
        source,
        null,
        false,
        newId());
  }

  public IncidentReport withStep(Step entry) {
    return new IncidentReport(
        dedupKey,
        runbook,
        severity,
        title,
        evidence,
        suspectedDataBreach,
        source,
        entry,
        resolved,
        newId());
  }

  public IncidentReport resolvedWith(Step entry) {
    return new IncidentReport(
        dedupKey,
        runbook,
        severity,
        title,
        evidence,
        suspectedDataBreach,
        source,
        entry,
        true,
        newId());
  }

  /** The same report without its evidence (when it could not be sent as it is). */
  public IncidentReport withoutEvidence() {
    return new IncidentReport(
        dedupKey,
        runbook,
        severity,
        title,
        null,
        suspectedDataBreach,
        source,
        step,
        resolved,
        reportId);
  }

  /** The same report with an id, when it has none yet. */
  public IncidentReport withReportIdIfMissing() {
    return reportId != null
        ? this
        : new IncidentReport(
            dedupKey,
            runbook,
            severity,
            title,
            evidence,
            suspectedDataBreach,
            source,
            step,
            resolved,
            newId());
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }
}
