package health.clinicalops.rollbackorchestrator.communicate.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.opskit.clients.AuditTrail;
import health.clinicalops.opskit.evidence.AuditFailureEvidence;
import health.clinicalops.opskit.evidence.Runbooks;
import health.clinicalops.rollbackorchestrator.common.Actor;
import health.clinicalops.rollbackorchestrator.communicate.domain.Postmortem;
import health.clinicalops.rollbackorchestrator.communicate.domain.RunbookBudgets;
import health.clinicalops.rollbackorchestrator.incident.domain.Incident;
import health.clinicalops.rollbackorchestrator.incident.domain.IncidentStep;
import health.clinicalops.rollbackorchestrator.incident.domain.StepKind;
import health.clinicalops.rollbackorchestrator.incident.service.IncidentEvidence;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The post-incident report ("Document & Report"): the incident as Markdown with its timeline, the
 * response times against the runbook's own step budgets, the root cause and follow-ups an operator
 * wrote, and, for audit-log failures, the compliance export (spooled/replayed counts).
 */
@ApplicationScoped
public class PostIncidentReportService {

  private static final TypeReference<List<String>> LIST = new TypeReference<>() {};

  /** Timeline entries that record the incident's bookkeeping, not a response step. */
  private static final Set<String> BOOKKEEPING =
      Set.of(
          "incident.opened",
          "incident.severity-raised",
          "incident.acknowledged",
          "incident.resolved",
          "resolved",
          "paged",
          "escalated");

  private final ObjectMapper mapper;
  private final IncidentEvidence evidence;
  private final AuditTrail audit;
  private final Clock clock;

  PostIncidentReportService(
      ObjectMapper mapper, IncidentEvidence evidence, AuditTrail audit, Clock clock) {
    this.mapper = mapper;
    this.evidence = evidence;
    this.audit = audit;
    this.clock = clock;
  }

  /** Writes the root cause and follow-ups of an incident (replacing earlier ones). */
  @Transactional
  public Optional<PostmortemRequest> savePostmortem(
      long id, @NotNull @Valid PostmortemRequest request, @NotNull Actor actor) {
    return Incident.<Incident>findByIdOptional(id)
        .map(
            incident -> {
              Postmortem postmortem =
                  Postmortem.<Postmortem>findByIdOptional(id)
                      .orElseGet(
                          () -> {
                            Postmortem p = new Postmortem();
                            p.incidentId = id;
                            return p;
                          });
              postmortem.rootCause = request.rootCause();
              postmortem.followUps =
                  toJson(request.followUps() == null ? List.of() : request.followUps());
              postmortem.updatedBy = actor.name();
              postmortem.updatedAt = Instant.now(clock);
              postmortem.persist();
              audit.record(actor.name(), "incident.postmortem-written", Map.of("incidentId", id));
              return new PostmortemRequest(postmortem.rootCause, followUps(postmortem));
            });
  }

  /** The report of an incident as Markdown. */
  @Transactional
  public Optional<String> report(long id) {
    return Incident.<Incident>findByIdOptional(id).map(this::render);
  }

  /** The report's template (src/main/resources/templates/PostIncidentReportService/report.md). */
  @CheckedTemplate
  static class Templates {
    static native TemplateInstance report(
        Incident incident,
        List<TimelineRow> timeline,
        ResponseTimes times,
        String rootCause,
        List<String> followUps,
        ComplianceExport compliance);
  }

  /** A timeline entry as the report shows it. */
  record TimelineRow(
      Instant at, String afterOpening, String action, String actor, String by, String detail) {}

  /** A timed step of the runbook with its budget and the running total, in minutes. */
  record BudgetRow(int number, String name, long budgetMinutes, long cumulativeMinutes) {}

  /**
   * A measured time: what was measured, how long it took and, when there is a budget to compare
   * with ({@code budgetLabel} not null), the budget and the verdict.
   */
  record Measure(String measure, String took, String budgetLabel, String verdict) {}

  /** The runbook's step budgets and the incident's times against them. */
  record ResponseTimes(String runbook, List<BudgetRow> budget, List<Measure> measures) {}

  /** The compliance export of an audit-log failure, as audit-keeper reported it. */
  record ComplianceExport(
      Instant failingSince,
      String restored,
      String cause,
      String spooledAtOpening,
      String replayed,
      String lost) {}

  private String render(Incident incident) {
    Instant now = Instant.now(clock);
    List<IncidentStep> steps = IncidentStep.timelineOf(incident.id);
    Postmortem postmortem = Postmortem.findById(incident.id);
    List<TimelineRow> timeline =
        steps.stream()
            .map(
                step ->
                    new TimelineRow(
                        step.at,
                        human(Duration.between(incident.openedAt, step.at)),
                        step.action,
                        step.actor,
                        step.kind == StepKind.MANUAL ? "person" : "system",
                        step.detail == null ? "" : step.detail))
            .toList();
    String rootCause =
        postmortem == null || postmortem.rootCause == null || postmortem.rootCause.isBlank()
            ? null
            : postmortem.rootCause.strip();
    return Templates.report(
            incident,
            timeline,
            responseTimes(incident, steps, now),
            rootCause,
            postmortem == null ? List.of() : followUps(postmortem),
            Runbooks.AUDIT_LOG_FAILURE.equals(incident.runbook) ? complianceExport(incident) : null)
        .render();
  }

  private ResponseTimes responseTimes(Incident incident, List<IncidentStep> timeline, Instant now) {
    List<RunbookBudgets.Step> budget = RunbookBudgets.of(incident.runbook);
    Duration total = RunbookBudgets.total(incident.runbook);
    Instant start =
        timeline.stream()
            .map(s -> s.at)
            .min(Instant::compareTo)
            .filter(t -> t.isBefore(incident.openedAt))
            .orElse(incident.openedAt);
    List<IncidentStep> response =
        timeline.stream()
            .filter(s -> !BOOKKEEPING.contains(s.action))
            .filter(s -> !s.at.isBefore(start))
            .toList();
    Optional<IncidentStep> first = response.stream().findFirst();
    Optional<IncidentStep> lastAutomated =
        response.stream()
            .filter(s -> s.kind == StepKind.AUTOMATED)
            .filter(s -> incident.resolvedAt == null || !s.at.isAfter(incident.resolvedAt))
            .reduce((a, b) -> b);

    List<BudgetRow> budgetRows = new ArrayList<>();
    Duration cumulative = Duration.ZERO;
    for (RunbookBudgets.Step step : budget) {
      cumulative = cumulative.plus(step.budget());
      budgetRows.add(
          new BudgetRow(
              step.number(), step.name(), step.budget().toMinutes(), cumulative.toMinutes()));
    }
    String allSteps = budget.isEmpty() ? "—" : "all timed steps (" + total.toMinutes() + " min)";
    Duration allBudget = budget.isEmpty() ? null : total;

    List<Measure> measures = new ArrayList<>();
    measures.add(
        new Measure(
            "Time to detect (first signal → incident opened)",
            human(Duration.between(start, incident.openedAt)),
            "—",
            "—"));
    if (first.isPresent()) {
      measures.add(
          measure(
              "Time to first response (`" + first.get().action + "`)",
              Duration.between(incident.openedAt, first.get().at),
              budget.isEmpty() ? null : budget.get(0).budget(),
              budget.isEmpty() ? "—" : budget.get(0).label()));
    } else {
      measures.add(new Measure("Time to first response", "no response step recorded", null, null));
    }
    if (lastAutomated.isPresent()) {
      measures.add(
          measure(
              "Time to mitigate (last automated step `" + lastAutomated.get().action + "`)",
              Duration.between(incident.openedAt, lastAutomated.get().at),
              allBudget,
              allSteps));
    } else {
      measures.add(new Measure("Time to mitigate", "no automated step recorded", null, null));
    }
    if (incident.resolvedAt != null) {
      measures.add(
          measure(
              "Time to resolve",
              Duration.between(incident.openedAt, incident.resolvedAt),
              allBudget,
              allSteps));
    } else {
      measures.add(
          new Measure(
              "Time to resolve",
              "open for " + human(Duration.between(incident.openedAt, now)) + " so far",
              null,
              null));
    }
    return new ResponseTimes(incident.runbook, budgetRows, measures);
  }

  private static Measure measure(
      String measure, Duration took, Duration budget, String budgetLabel) {
    String verdict;
    if (budget == null) {
      verdict = "—";
    } else if (took.compareTo(budget) <= 0) {
      verdict = "within budget";
    } else {
      verdict = "over budget by " + human(took.minus(budget));
    }
    return new Measure(measure, human(took), budgetLabel, verdict);
  }

  private ComplianceExport complianceExport(Incident incident) {
    Optional<AuditFailureEvidence> reported =
        evidence
            .read(incident.evidence)
            .filter(AuditFailureEvidence.class::isInstance)
            .map(AuditFailureEvidence.class::cast);
    Long spooledAtOpening = reported.map(AuditFailureEvidence::spoolDepth).orElse(null);
    Long replayed = reported.map(AuditFailureEvidence::spooledEvents).orElse(null);
    return new ComplianceExport(
        incident.openedAt,
        incident.resolvedAt == null ? "not yet" : incident.resolvedAt.toString(),
        reported.map(AuditFailureEvidence::cause).orElse("not reported"),
        spooledAtOpening == null ? "not reported" : spooledAtOpening.toString(),
        replayed == null
            ? (incident.resolvedAt == null ? "spool not drained yet" : "not reported")
            : replayed.toString(),
        replayed == null
            ? "unknown until the spool is drained"
            : "none reported (every spooled event was replayed in order)");
  }

  private List<String> followUps(Postmortem postmortem) {
    try {
      return postmortem.followUps == null
          ? List.of()
          : mapper.readValue(postmortem.followUps, LIST);
    } catch (JsonProcessingException e) {
      return List.of(postmortem.followUps);
    }
  }

  private String toJson(List<String> list) {
    try {
      return mapper.writeValueAsString(list);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** "0.3 s", "2 min 5 s", "1 h 3 min". */
  static String human(Duration d) {
    if (d.isNegative()) {
      d = Duration.ZERO;
    }
    long millis = d.toMillis();
    if (millis < 60_000) {
      return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    long minutes = d.toMinutes();
    if (minutes < 60) {
      return minutes + " min " + d.toSecondsPart() + " s";
    }
    return d.toHours() + " h " + d.toMinutesPart() + " min";
  }
}
