package health.clinicalops.opskit.journal;

import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.Evidence;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One incident of this service, as the journal knows it: its key, severity, title and latest
 * evidence. Immutable: {@link #withEvidence} and {@link #suspectingDataBreach} give a new handle;
 * the next report sends what it holds.
 */
public final class RunbookIncident {

  private final RunbookJournal journal;
  private final String dedupKey;
  private final Severity severity;
  private final String title;
  private final Evidence evidence;
  private final boolean suspectedDataBreach;

  RunbookIncident(
      RunbookJournal journal,
      String dedupKey,
      Severity severity,
      String title,
      Evidence evidence,
      boolean suspectedDataBreach) {
    this.journal = journal;
    this.dedupKey = dedupKey;
    this.severity = severity;
    this.title = title;
    this.evidence = evidence;
    this.suspectedDataBreach = suspectedDataBreach;
  }

  public String dedupKey() {
    return dedupKey;
  }

  public Evidence evidence() {
    return evidence;
  }

  public Severity severity() {
    return severity;
  }

  /**
   * The same incident at another severity and title (sent with the next report): rollback-
   * orchestrator raises an open incident's severity and restarts its escalation, never lowers it.
   */
  public RunbookIncident escalatedTo(Severity higher, String newTitle) {
    return new RunbookIncident(journal, dedupKey, higher, newTitle, evidence, suspectedDataBreach);
  }

  /** The same incident with newer evidence (sent with the next report). */
  public RunbookIncident withEvidence(Evidence newer) {
    return new RunbookIncident(journal, dedupKey, severity, title, newer, suspectedDataBreach);
  }

  /**
   * The same incident with the "Emergency Escalation" runbook's data breach suspected: the breach
   * contacts are paged as well.
   */
  public RunbookIncident suspectingDataBreach() {
    return new RunbookIncident(journal, dedupKey, severity, title, evidence, true);
  }

  /** Opens the incident (or updates its evidence) without a step. */
  public void open() {
    journal.send(report());
  }

  /** A step taken: logged, audited and appended to the timeline, in one call. */
  public void step(String action, String detail) {
    step(action, detail, Map.of());
  }

  /** A step taken, with details for its audit event beyond the detail text. */
  public void step(String action, String detail, Map<String, Object> auditDetails) {
    write(journal.service(), action, detail, auditDetails, false, Logger.Level.INFO);
  }

  /**
   * A step a person should notice (an attack recognised, a step that failed, work left to a
   * person): like {@link #step}, logged at WARN.
   */
  public void stepWarning(String action, String detail, Map<String, Object> auditDetails) {
    write(journal.service(), action, detail, auditDetails, false, Logger.Level.WARN);
  }

  /** A step a dry run would have taken: logged, audited and on the timeline as such. */
  public void dryRunStep(String action, String detail) {
    dryRunStep(action, detail, Map.of());
  }

  public void dryRunStep(String action, String detail, Map<String, Object> auditDetails) {
    write(journal.service(), action, detail, auditDetails, true, Logger.Level.INFO);
  }

  /**
   * A step this service carried out for {@code actor} (an operator, a calling service): audited and
   * on the timeline with {@code actor} as who did it.
   */
  public void stepFor(
      String actor, String action, String detail, Map<String, Object> auditDetails) {
    write(actor, action, detail, auditDetails, false, Logger.Level.INFO);
  }

  /** Resolves the incident: logged, audited, and the timeline's last entry. */
  public void resolve(String detail) {
    resolve(detail, Map.of());
  }

  public void resolve(String detail, Map<String, Object> auditDetails) {
    journal.resolve(report(), detail, auditDetails);
  }

  private void write(
      String actor,
      String action,
      String detail,
      Map<String, Object> auditDetails,
      boolean dryRun,
      Logger.Level level) {
    journal.write(
        report(), new RunbookJournal.Entry(actor, action, detail, auditDetails, dryRun, level));
  }

  /** A new report (with its own id) of what this handle holds. */
  private IncidentReport report() {
    return IncidentReport.open(
        dedupKey, severity, title, evidence, suspectedDataBreach, journal.service());
  }
}
