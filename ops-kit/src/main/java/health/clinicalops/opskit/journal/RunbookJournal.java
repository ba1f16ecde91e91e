package health.clinicalops.opskit.journal;

import health.clinicalops.opskit.clients.AuditEvent;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.Evidence;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The one way a service records what it does in a runbook. {@link #incident} names an incident;
 * each {@link RunbookIncident#step} then, in one call, logs the step (a JSON log line with {@code
 * runbook}, {@code incident} and {@code action} fields), sends it as an audit event and appends it
 * to the incident's timeline at rollback-orchestrator (opening the incident with the first report).
 * {@link #record} does the first two for an action outside any incident.
 *
 * <p>Both deliveries go through durable outboxes: a step is on disk when the call returns and
 * survives a restart of this service.
 */
@ApplicationScoped
public class RunbookJournal {

  private static final Logger LOG = Logger.getLogger("health.clinicalops.journal");

  static final String RESOLVED = "resolved";
  static final String DRY_RUN_PREFIX = "dry-run: would ";

  private final IncidentSink incidents;
  private final StepAuditor auditor;
  private final String service;
  private final Clock clock;

  RunbookJournal(
      IncidentSink incidents,
      StepAuditor auditor,
      @ConfigProperty(name = "quarkus.application.name") String service,
      Clock clock) {
    this.incidents = incidents;
    this.auditor = auditor;
    this.service = service;
    this.clock = clock;
  }

  /** This service's name: the actor of its steps and the source of its incidents. */
  public String service() {
    return service;
  }

  /** A dedup key of this service, in the one format of {@link DedupKeys}. */
  public String dedupKey(String subject, Object... parts) {
    return DedupKeys.of(service, subject, parts);
  }

  /**
   * An incident of this service, identified by {@code dedupKey}. Nothing is sent until its first
   * step (or {@link RunbookIncident#open}); a handle made again with the same key after a restart
   * continues the same incident.
   */
  public RunbookIncident incident(
      String dedupKey, Severity severity, String title, Evidence evidence) {
    return new RunbookIncident(this, dedupKey, severity, title, evidence, false);
  }

  /** An action outside any incident: logged and audited. */
  public void record(String action, String detail, Map<String, Object> details) {
    write(null, new Entry(service, action, detail, details, false, Logger.Level.INFO));
  }

  /**
   * An action outside any incident that a person should notice (an attack, a failure, work left to
   * a person): logged at WARN and audited.
   */
  public void recordWarning(String action, String detail, Map<String, Object> details) {
    write(null, new Entry(service, action, detail, details, false, Logger.Level.WARN));
  }

  /** An action a dry run would have taken, outside any incident: logged and audited as such. */
  public void recordDryRun(String action, String detail, Map<String, Object> details) {
    write(null, new Entry(service, action, detail, details, true, Logger.Level.INFO));
  }

  /**
   * An action this service carried out for {@code actor} (an operator, a calling service), outside
   * any incident: audited with {@code actor} as its actor.
   */
  public void recordFor(String actor, String action, String detail, Map<String, Object> details) {
    write(null, new Entry(actor, action, detail, details, false, Logger.Level.INFO));
  }

  void send(IncidentReport report) {
    incidents.report(report);
  }

  /** Logs and audits {@code entry}, and puts it on the timeline of {@code incident} if any. */
  void write(IncidentReport incident, Entry entry) {
    log(incident, entry);
    audit(incident, entry);
    if (incident != null) {
      incidents.report(
          incident.withStep(
              new IncidentReport.Step(
                  entry.dryRun() ? DRY_RUN_PREFIX + entry.action() : entry.action(),
                  entry.detail(),
                  entry.actor(),
                  clock.instant())));
    }
  }

  void resolve(IncidentReport incident, String detail, Map<String, Object> details) {
    Entry entry =
        new Entry(service, "incident." + RESOLVED, detail, details, false, Logger.Level.INFO);
    log(incident, entry);
    audit(incident, entry);
    incidents.report(
        incident.resolvedWith(new IncidentReport.Step(RESOLVED, detail, service, clock.instant())));
  }

  /** One step or action: who, what, why, and how loud. */
  record Entry(
      String actor,
      String action,
      String detail,
      Map<String, Object> details,
      boolean dryRun,
      Logger.Level level) {}

  private void log(IncidentReport incident, Entry entry) {
    MDC.put("action", entry.action());
    MDC.put("actor", entry.actor());
    if (incident != null) {
      MDC.put("runbook", incident.runbook());
      MDC.put("incident", incident.dedupKey());
    }
    try {
      LOG.logf(
          entry.level(),
          "%s%s: %s",
          entry.dryRun() ? "[dry run] would " : "",
          entry.action(),
          entry.detail());
    } finally {
      MDC.remove("action");
      MDC.remove("actor");
      MDC.remove("runbook");
      MDC.remove("incident");
    }
  }

  private void audit(IncidentReport incident, Entry entry) {
    Map<String, Object> all = new LinkedHashMap<>(entry.details());
    all.put("detail", entry.detail());
    if (incident != null) {
      all.put("incident", incident.dedupKey());
      all.put("runbook", incident.runbook());
    }
    if (!entry.actor().equals(service)) {
      all.put("carriedOutBy", service);
    }
    if (entry.dryRun()) {
      all.put("dryRun", true);
    }
    auditor.audit(
        new AuditEvent(
            UUID.randomUUID().toString(),
            entry.actor(),
            entry.dryRun() ? entry.action() + ".dry-run" : entry.action(),
            all,
            clock.instant(),
            null));
  }
}
