package health.clinicalops.rollbackorchestrator.incident.service;

import health.clinicalops.opskit.clients.AuditTrail;
import health.clinicalops.opskit.clients.IncidentRef;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.rollbackorchestrator.common.Actor;
import health.clinicalops.rollbackorchestrator.common.NoteRequest;
import health.clinicalops.rollbackorchestrator.common.OrchestratorMetrics;
import health.clinicalops.rollbackorchestrator.communicate.domain.PublicUpdate;
import health.clinicalops.rollbackorchestrator.communicate.service.PublicStatusChanged;
import health.clinicalops.rollbackorchestrator.communicate.service.PublicUpdateRequest;
import health.clinicalops.rollbackorchestrator.incident.domain.Incident;
import health.clinicalops.rollbackorchestrator.incident.domain.IncidentStatus;
import health.clinicalops.rollbackorchestrator.incident.domain.IncidentStep;
import health.clinicalops.rollbackorchestrator.incident.domain.Page;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The incident store: opens an incident on the first report of a dedup key, appends every later
 * step to its timeline, and starts, restarts and stops its escalation.
 */
@ApplicationScoped
public class IncidentService {

  private final EscalationService escalation;
  private final AuditTrail audit;
  private final IncidentEvidence evidence;
  private final Clock clock;
  private final OrchestratorMetrics metrics;
  private final Event<PublicStatusChanged> publicStatusChanged;

  IncidentService(
      EscalationService escalation,
      AuditTrail audit,
      IncidentEvidence evidence,
      Clock clock,
      OrchestratorMetrics metrics,
      Event<PublicStatusChanged> publicStatusChanged) {
    this.publicStatusChanged = publicStatusChanged;
    this.escalation = escalation;
    this.audit = audit;
    this.evidence = evidence;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** The outcome of a report: the incident and whether this report opened it. */
  public record ReportOutcome(IncidentRef ref, boolean opened) {}

  /** Opens or updates the incident of {@code report.dedupKey()}. */
  @Transactional
  public ReportOutcome report(@NotNull IncidentReport report, @NotNull Actor actor) {
    validate(report);
    checkSource(report, actor);
    // Serialises reports of one dedup key across threads and replicas (released at commit).
    Incident.getEntityManager()
        .createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(:key))")
        .setParameter("key", report.dedupKey())
        .getSingleResult();
    Instant now = Instant.now(clock);
    Optional<Incident> applied = alreadyApplied(report.reportId());
    if (applied.isPresent()) {
      return new ReportOutcome(refOf(applied.get()), false);
    }
    Optional<Incident> open = Incident.findOpenByDedupKey(report.dedupKey());
    if (report.resolved()) {
      open.ifPresent(incident -> checkMayResolve(incident, actor));
    }
    boolean opened = open.isEmpty();
    Incident incident = open.orElseGet(() -> openIncident(report, actor, now));
    if (!opened) {
      update(incident, report, actor, now);
    }
    markApplied(report.reportId(), incident.id, now);
    if (report.step() != null) {
      IncidentReport.Step step = report.step();
      IncidentStep.of(
              incident.id,
              step.action() == null || step.action().isBlank() ? "step" : step.action(),
              step.detail(),
              step.actor() == null || step.actor().isBlank() ? report.source() : step.actor(),
              actor,
              step.at() == null ? now : step.at())
          .persist();
    }
    if (report.resolved() && incident.status != IncidentStatus.RESOLVED) {
      close(incident, report.source(), actor, now, null);
    }
    publicStatusChanged.fire(new PublicStatusChanged(incident.id));
    return new ReportOutcome(refOf(incident), opened);
  }

  /** A service with a token of its own reports as itself and no other. */
  private static void checkSource(IncidentReport report, Actor actor) {
    if (!actor.person() && actor.named() && !actor.name().equals(report.source())) {
      throw ProblemException.forbidden(
          "this token is "
              + actor.name()
              + "'s; it reports incidents with source "
              + actor.name()
              + ", not "
              + report.source());
    }
  }

  /** Only the service that opened an incident, or a person, resolves it. */
  private static void checkMayResolve(Incident incident, Actor actor) {
    if (!actor.person() && incident.openedBy != null && !incident.openedBy.equals(actor.name())) {
      throw ProblemException.forbidden(
          "incident "
              + incident.id
              + " was opened by "
              + incident.openedBy
              + "; only it or an operator may resolve it");
    }
  }

  /** The incident a report with this id was already applied to (a repeated delivery). */
  private static Optional<Incident> alreadyApplied(String reportId) {
    if (reportId == null) {
      return Optional.empty();
    }
    List<?> incidentIds =
        Incident.getEntityManager()
            .createNativeQuery(
                "SELECT incident_id FROM rollback_orchestrator.incident_report_applied WHERE report_id = :id")
            .setParameter("id", reportId)
            .getResultList();
    return incidentIds.isEmpty()
        ? Optional.empty()
        : Incident.<Incident>findByIdOptional(((Number) incidentIds.get(0)).longValue());
  }

  private static void markApplied(String reportId, Long incidentId, Instant now) {
    if (reportId == null) {
      return;
    }
    Incident.getEntityManager()
        .createNativeQuery(
            "INSERT INTO rollback_orchestrator.incident_report_applied (report_id, incident_id, applied_at)"
                + " VALUES (:id, :incident, :at)")
        .setParameter("id", reportId)
        .setParameter("incident", incidentId)
        .setParameter("at", now)
        .executeUpdate();
  }

  /** Forgets report ids after a week: a sender retries for minutes, not days. */
  @Scheduled(
      every = "1h",
      delayed = "10m",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  @Transactional
  void forgetOldReportIds() {
    Incident.getEntityManager()
        .createNativeQuery(
            "DELETE FROM rollback_orchestrator.incident_report_applied WHERE applied_at < :before")
        .setParameter("before", Instant.now(clock).minus(Duration.ofDays(7)))
        .executeUpdate();
  }

  private Incident openIncident(IncidentReport report, Actor actor, Instant now) {
    Incident incident = new Incident();
    incident.dedupKey = report.dedupKey();
    incident.runbook = report.runbook();
    incident.severity = report.severity();
    incident.title = report.title();
    incident.source = report.source();
    incident.status = IncidentStatus.OPEN;
    incident.evidence = evidence.merge(null, report.evidence());
    incident.breachSuspected = report.suspectedDataBreach();
    incident.openedAt = now;
    incident.openedBy = actor.name();
    incident.updatedAt = now;
    incident.persist();
    IncidentStep.of(
            incident.id,
            "incident.opened",
            report.severity() + " " + report.title(),
            report.source(),
            actor,
            now)
        .persist();
    metrics.incidentOpened(report.severity(), report.runbook());
    audit.record(
        Actor.SELF.name(),
        "incident.opened",
        Map.of(
            "incidentId", incident.id,
            "dedupKey", incident.dedupKey,
            "severity", incident.severity.name(),
            "runbook", incident.runbook,
            "source", incident.source));
    if (!report.resolved()) {
      escalation.start(incident, now);
      if (incident.breachSuspected) {
        escalation.pageBreachContacts(incident, now);
      }
    }
    return incident;
  }

  private void update(Incident incident, IncidentReport report, Actor actor, Instant now) {
    incident.evidence = evidence.merge(incident.evidence, report.evidence());
    incident.updatedAt = now;
    if (report.severity().compareTo(incident.severity) < 0) {
      Severity before = incident.severity;
      incident.severity = report.severity();
      IncidentStep.of(
              incident.id,
              "incident.severity-raised",
              before + " → " + report.severity(),
              report.source(),
              actor,
              now)
          .persist();
      if (incident.status == IncidentStatus.OPEN) {
        escalation.start(incident, now);
      }
    }
    if (!incident.breachSuspected && report.suspectedDataBreach()) {
      incident.breachSuspected = true;
      escalation.pageBreachContacts(incident, now);
    }
  }

  /** Appends a step taken by a person or service to the timeline. */
  @Transactional
  public Optional<IncidentView> addStep(
      long id, @NotNull @Valid StepRequest request, @NotNull Actor actor) {
    return Incident.<Incident>findByIdOptional(id)
        .map(
            incident -> {
              Instant now = Instant.now(clock);
              IncidentStep.of(
                      incident.id, request.action(), request.detail(), actor.name(), actor, now)
                  .persist();
              incident.updatedAt = now;
              audit.record(
                  actor.name(),
                  "incident.step",
                  Map.of("incidentId", incident.id, "action", request.action()));
              return view(incident);
            });
  }

  /** A person has the incident: escalation stops. */
  @Transactional
  public Optional<IncidentView> acknowledge(
      long id, @NotNull @Valid NoteRequest request, @NotNull Actor actor) {
    return Incident.<Incident>findByIdOptional(id)
        .map(
            incident -> {
              if (incident.status == IncidentStatus.RESOLVED) {
                throw ProblemException.conflict("incident " + id + " is already resolved");
              }
              Instant now = Instant.now(clock);
              if (incident.status == IncidentStatus.OPEN) {
                incident.status = IncidentStatus.ACKNOWLEDGED;
                incident.acknowledgedAt = now;
                incident.acknowledgedBy = actor.name();
                incident.escalationDueAt = null;
                incident.updatedAt = now;
                IncidentStep.of(
                        incident.id,
                        "incident.acknowledged",
                        Objects.requireNonNullElse(request.note(), "escalation stopped"),
                        actor.name(),
                        actor,
                        now)
                    .persist();
                audit.record(
                    actor.name(), "incident.acknowledged", Map.of("incidentId", incident.id));
                publicStatusChanged.fire(new PublicStatusChanged(incident.id));
              }
              return view(incident);
            });
  }

  /** Closes the incident. */
  @Transactional
  public Optional<IncidentView> resolve(
      long id, @NotNull @Valid ResolveRequest request, @NotNull Actor actor) {
    return Incident.<Incident>findByIdOptional(id)
        .map(
            incident -> {
              if (incident.status != IncidentStatus.RESOLVED) {
                IncidentStep.of(
                        incident.id,
                        "resolved",
                        Objects.requireNonNullElse(request.detail(), "resolved"),
                        actor.name(),
                        actor,
                        Instant.now(clock))
                    .persist();
                close(incident, actor.name(), actor, Instant.now(clock), request.publicMessage());
              }
              return view(incident);
            });
  }

  private void close(Incident incident, String by, Actor actor, Instant now, String publicMessage) {
    incident.status = IncidentStatus.RESOLVED;
    incident.resolvedAt = now;
    incident.resolvedBy = by;
    incident.escalationDueAt = null;
    incident.updatedAt = now;
    if (publicMessage != null && !publicMessage.isBlank()) {
      incident.publicMessage = publicMessage;
      PublicUpdate.of(incident.id, "resolved", publicMessage, by, now).persist();
    }
    IncidentStep.of(incident.id, "incident.resolved", null, by, actor, now).persist();
    audit.record(
        by, "incident.resolved", Map.of("incidentId", incident.id, "dedupKey", incident.dedupKey));
    publicStatusChanged.fire(new PublicStatusChanged(incident.id));
  }

  /**
   * Publishes an operator's update of the incident on the status page, the JSON and the feed (the
   * only incident text they show besides their neutral defaults).
   */
  @Transactional
  public Optional<IncidentView> publish(
      long id, @NotNull @Valid PublicUpdateRequest request, @NotNull Actor actor) {
    return Incident.<Incident>findByIdOptional(id)
        .map(
            incident -> {
              if (incident.status == IncidentStatus.RESOLVED) {
                throw ProblemException.conflict(
                    "incident " + id + " is resolved: give its closing public message on resolve");
              }
              Instant now = Instant.now(clock);
              String status = request.status() == null ? "identified" : request.status();
              PublicUpdate.of(incident.id, status, request.message().strip(), actor.name(), now)
                  .persist();
              incident.publicMessage = request.message().strip();
              if (request.title() != null && !request.title().isBlank()) {
                incident.publicTitle = request.title().strip();
              }
              incident.updatedAt = now;
              IncidentStep.of(
                      incident.id,
                      "status-page.updated",
                      status + ": " + incident.publicMessage,
                      actor.name(),
                      actor,
                      now)
                  .persist();
              audit.record(
                  actor.name(),
                  "incident.public-update",
                  Map.of("incidentId", incident.id, "status", status));
              publicStatusChanged.fire(new PublicStatusChanged(incident.id));
              return view(incident);
            });
  }

  @Transactional
  public Optional<IncidentView> find(long id) {
    return Incident.<Incident>findByIdOptional(id).map(this::view);
  }

  @Transactional
  public List<IncidentSummary> search(
      Optional<Boolean> open, Optional<String> runbook, Optional<Severity> severity, int limit) {
    return Incident.search(open, runbook, severity, limit).stream().map(this::summary).toList();
  }

  public static IncidentRef refOf(Incident incident) {
    return new IncidentRef(
        String.valueOf(incident.id), incident.dedupKey, incident.status.name().toLowerCase());
  }

  IncidentSummary summary(Incident i) {
    return new IncidentSummary(
        i.id,
        i.dedupKey,
        i.runbook,
        i.severity,
        i.title,
        i.source,
        i.status,
        i.breachSuspected,
        i.openedAt,
        i.updatedAt,
        i.acknowledgedAt,
        i.resolvedAt,
        i.publicMessage);
  }

  IncidentView view(Incident i) {
    List<IncidentView.TimelineEntry> timeline =
        IncidentStep.timelineOf(i.id).stream()
            .map(
                s ->
                    new IncidentView.TimelineEntry(
                        s.action, s.detail, s.actor, s.kind, s.at, s.receivedFrom))
            .toList();
    List<IncidentView.PageEntry> pages =
        Page.ofIncident(i.id).stream()
            .map(
                p ->
                    new IncidentView.PageEntry(
                        p.contact,
                        p.escalationLevel,
                        p.reason,
                        p.status,
                        p.attempts,
                        p.createdAt,
                        p.sentAt,
                        p.lastError))
            .toList();
    return new IncidentView(
        summary(i),
        evidence.view(i.evidence),
        i.openedBy,
        i.acknowledgedBy,
        i.resolvedBy,
        i.escalationLevel,
        i.escalationDueAt,
        timeline,
        pages);
  }

  private static void validate(IncidentReport report) {
    StringBuilder missing = new StringBuilder();
    if (report.dedupKey() == null || report.dedupKey().isBlank()) {
      missing.append(" dedupKey");
    }
    if (report.runbook() == null || report.runbook().isBlank()) {
      missing.append(" runbook");
    }
    if (report.severity() == null) {
      missing.append(" severity");
    }
    if (report.reportId() != null && report.reportId().length() > 100) {
      throw ProblemException.badRequest("reportId is longer than 100 characters");
    }
    if (report.title() == null || report.title().isBlank()) {
      missing.append(" title");
    }
    if (report.source() == null || report.source().isBlank()) {
      missing.append(" source");
    }
    if (!missing.isEmpty()) {
      throw ProblemException.badRequest("missing fields:" + missing);
    }
    if (report.dedupKey().length() > 500 || report.title().length() > 1000) {
      throw ProblemException.badRequest("dedupKey (500) or title (1000) too long");
    }
    if (report.evidence() != null && !report.evidence().runbook().equals(report.runbook())) {
      throw ProblemException.badRequest(
          "evidence of kind "
              + report.evidence().runbook()
              + " does not belong to runbook "
              + report.runbook());
    }
  }
}
