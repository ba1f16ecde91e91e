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
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

  private String render(Incident incident) {
    Instant now = Instant.now(clock);
    List<IncidentStep> timeline = IncidentStep.timelineOf(incident.id);
    Postmortem postmortem = Postmortem.findById(incident.id);
    StringBuilder md = new StringBuilder();
    md.append("# Post-incident report: incident ")
        .append(incident.id)
        .append("\n\n## Summary\n\n")
        .append("| | |\n|---|---|\n")
        .append("| Title | ")
        .append(cell(incident.title))
        .append(" |\n| Severity | ")
        .append(incident.severity)
        .append(" |\n| Runbook | ")
        .append(cell(incident.runbook))
        .append(" |\n| Status | ")
        .append(incident.status)
        .append(" |\n| Reported by | ")
        .append(cell(incident.source))
        .append(" |\n| Opened | ")
        .append(incident.openedAt)
        .append(" |\n| Acknowledged | ")
        .append(
            incident.acknowledgedAt == null
                ? "—"
                : incident.acknowledgedAt + " by " + cell(incident.acknowledgedBy))
        .append(" |\n| Resolved | ")
        .append(
            incident.resolvedAt == null
                ? "not yet"
                : incident.resolvedAt + " by " + cell(incident.resolvedBy))
        .append(" |\n| Suspected data breach | ")
        .append(incident.breachSuspected ? "yes" : "no")
        .append(" |\n");
    if (incident.publicMessage != null) {
      md.append("| Public message | ").append(cell(incident.publicMessage)).append(" |\n");
    }

    md.append("\n## Timeline\n\n| time | after opening | step | by | person or system | detail |\n")
        .append("|---|---|---|---|---|---|\n");
    for (IncidentStep step : timeline) {
      md.append("| ")
          .append(step.at)
          .append(" | ")
          .append(human(Duration.between(incident.openedAt, step.at)))
          .append(" | ")
          .append(cell(step.action))
          .append(" | ")
          .append(cell(step.actor))
          .append(" | ")
          .append(step.kind == StepKind.MANUAL ? "person" : "system")
          .append(" | ")
          .append(cell(step.detail == null ? "" : step.detail))
          .append(" |\n");
    }

    appendTimes(md, incident, timeline, now);

    md.append("\n## Root cause\n\n")
        .append(
            postmortem == null || postmortem.rootCause == null || postmortem.rootCause.isBlank()
                ? "_Not written yet: `PUT /api/v1/incidents/" + incident.id + "/postmortem`._"
                : postmortem.rootCause.strip())
        .append("\n\n## Follow-ups\n\n");
    List<String> followUps = postmortem == null ? List.of() : followUps(postmortem);
    if (followUps.isEmpty()) {
      md.append("_None recorded yet._\n");
    } else {
      followUps.forEach(f -> md.append("- [ ] ").append(listItem(f)).append('\n'));
    }
    if (Runbooks.AUDIT_LOG_FAILURE.equals(incident.runbook)) {
      appendComplianceExport(md, incident);
    }
    return md.toString();
  }

  private void appendTimes(
      StringBuilder md, Incident incident, List<IncidentStep> timeline, Instant now) {
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

    md.append("\n## Response times against the runbook\n\n");
    if (budget.isEmpty()) {
      md.append("The runbook `")
          .append(cell(incident.runbook))
          .append("` gives its steps no time budget.\n\n");
    } else {
      md.append("The runbook's timed steps, as a person would run them by hand:\n\n")
          .append("| step | budget | cumulative |\n|---|---|---|\n");
      Duration cumulative = Duration.ZERO;
      for (RunbookBudgets.Step step : budget) {
        cumulative = cumulative.plus(step.budget());
        md.append("| ")
            .append(step.number())
            .append(". ")
            .append(step.name())
            .append(" | ")
            .append(step.budget().toMinutes())
            .append(" min | ")
            .append(cumulative.toMinutes())
            .append(" min |\n");
      }
      md.append('\n');
    }
    md.append("| measure | took | runbook budget | verdict |\n|---|---|---|---|\n");
    Duration detect = Duration.between(start, incident.openedAt);
    md.append("| Time to detect (first signal → incident opened) | ")
        .append(human(detect))
        .append(" | — | — |\n");
    if (first.isPresent()) {
      Duration took = Duration.between(incident.openedAt, first.get().at);
      row(
          md,
          "Time to first response (`" + first.get().action + "`)",
          took,
          budget.isEmpty() ? null : budget.get(0).budget(),
          budget.isEmpty() ? "—" : budget.get(0).label());
    } else {
      md.append("| Time to first response | no response step recorded | | |\n");
    }
    if (lastAutomated.isPresent()) {
      Duration took = Duration.between(incident.openedAt, lastAutomated.get().at);
      row(
          md,
          "Time to mitigate (last automated step `" + lastAutomated.get().action + "`)",
          took,
          budget.isEmpty() ? null : total,
          budget.isEmpty() ? "—" : "all timed steps (" + total.toMinutes() + " min)");
    } else {
      md.append("| Time to mitigate | no automated step recorded | | |\n");
    }
    if (incident.resolvedAt != null) {
      row(
          md,
          "Time to resolve",
          Duration.between(incident.openedAt, incident.resolvedAt),
          budget.isEmpty() ? null : total,
          budget.isEmpty() ? "—" : "all timed steps (" + total.toMinutes() + " min)");
    } else {
      md.append("| Time to resolve | open for ")
          .append(human(Duration.between(incident.openedAt, now)))
          .append(" so far | | |\n");
    }
  }

  private static void row(
      StringBuilder md, String measure, Duration took, Duration budget, String budgetLabel) {
    md.append("| ")
        .append(cell(measure))
        .append(" | ")
        .append(human(took))
        .append(" | ")
        .append(budgetLabel)
        .append(" | ");
    if (budget == null) {
      md.append("—");
    } else if (took.compareTo(budget) <= 0) {
      md.append("within budget");
    } else {
      md.append("over budget by ").append(human(took.minus(budget)));
    }
    md.append(" |\n");
  }

  private void appendComplianceExport(StringBuilder md, Incident incident) {
    Optional<AuditFailureEvidence> reported =
        evidence
            .read(incident.evidence)
            .filter(AuditFailureEvidence.class::isInstance)
            .map(AuditFailureEvidence.class::cast);
    Long spooledAtOpening = reported.map(AuditFailureEvidence::spoolDepth).orElse(null);
    Long replayed = reported.map(AuditFailureEvidence::spooledEvents).orElse(null);
    String cause = reported.map(AuditFailureEvidence::cause).orElse("not reported");
    md.append("\n## Compliance export (audit log failure)\n\n")
        .append("For the compliance officer (runbook: \"Report to compliance officer\"). Counts as")
        .append(" audit-keeper reported them in the incident's evidence.\n\n")
        .append("| | |\n|---|---|\n")
        .append("| Audit writes failing since | ")
        .append(incident.openedAt)
        .append(" |\n| Audit writes restored | ")
        .append(incident.resolvedAt == null ? "not yet" : incident.resolvedAt.toString())
        .append(" |\n| Cause | ")
        .append(cell(cause))
        .append(" |\n| Events in the spool when the incident opened | ")
        .append(spooledAtOpening == null ? "not reported" : spooledAtOpening)
        .append(" |\n| Spooled events replayed into \"AuditLog\" | ")
        .append(
            replayed == null
                ? (incident.resolvedAt == null ? "spool not drained yet" : "not reported")
                : replayed)
        .append(" |\n| Events lost | ")
        .append(
            replayed == null
                ? "unknown until the spool is drained"
                : "none reported (every spooled event was replayed in order)")
        .append(" |\n");
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

  /**
   * A value inside a Markdown table cell: HTML in it is shown as text, not rendered (titles and
   * evidence come from callers), a pipe stays inside the cell, line breaks become {@code <br>}.
   */
  private static String cell(String text) {
    return text == null
        ? ""
        : escapeHtml(text).replace("|", "\\|").replace("\r", "").replace("\n", "<br>");
  }

  /** A line of text for a Markdown list item: HTML shown as text, on one line. */
  private static String listItem(String text) {
    return escapeHtml(text.strip()).replace("\r", "").replace("\n", " ");
  }

  private static String escapeHtml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
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
