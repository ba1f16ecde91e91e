package health.clinicalops.rollbackorchestrator.communicate.service;

import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.Runbooks;
import health.clinicalops.opskit.opsstate.Mode;
import health.clinicalops.opskit.opsstate.OpsState;
import health.clinicalops.rollbackorchestrator.communicate.domain.ComponentStatus;
import health.clinicalops.rollbackorchestrator.communicate.domain.PublicUpdate;
import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import health.clinicalops.rollbackorchestrator.incident.domain.Incident;
import health.clinicalops.rollbackorchestrator.incident.domain.IncidentStatus;
import health.clinicalops.rollbackorchestrator.maintenance.service.MaintenanceService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The public status: the components' states from the open incidents of the runbooks that affect
 * them and from the ops-state mode, the open incidents and the history in public wording. Public
 * text is only what an operator wrote as a public update or a neutral sentence made from the
 * component names: never an incident's title or evidence.
 */
@ApplicationScoped
public class StatusPageService {

  private static final Logger LOG = Logger.getLogger(StatusPageService.class);

  /** The components when the settings name none. */
  static final List<ComponentDefinition> DEFAULT_COMPONENTS =
      List.of(
          new ComponentDefinition(
              "sign-in",
              "Sign-in",
              "Signing in and staying signed in",
              1,
              List.of(
                  Runbooks.AUTHENTICATION_ABUSE,
                  Runbooks.RATE_LIMIT_OVERWHELMED,
                  Runbooks.DATABASE_CONNECTIVITY_LOSS,
                  Runbooks.ERROR_RATE_SPIKE,
                  Runbooks.ROLLBACK_DEPLOYMENT)),
          new ComponentDefinition(
              "clinical-notes",
              "Clinical notes",
              "Reading and writing clinical notes",
              2,
              List.of(
                  Runbooks.DATABASE_CONNECTIVITY_LOSS,
                  Runbooks.ERROR_RATE_SPIKE,
                  Runbooks.ROLLBACK_DEPLOYMENT,
                  Runbooks.RATE_LIMIT_OVERWHELMED)),
          new ComponentDefinition(
              "audit",
              "Audit trail",
              "Recording who did what, for compliance",
              3,
              List.of(Runbooks.AUDIT_LOG_FAILURE, Runbooks.DATABASE_CONNECTIVITY_LOSS)));

  /** A component as configured. */
  public record ComponentDefinition(
      String id, String name, String description, int position, List<String> runbooks) {}

  private final OrchestratorConfig.StatusPage config;
  private final MaintenanceService maintenance;
  private final Clock clock;
  private final Instant started;

  StatusPageService(OrchestratorConfig config, MaintenanceService maintenance, Clock clock) {
    this.config = config.statusPage();
    this.maintenance = maintenance;
    this.clock = clock;
    this.started = Instant.now(clock);
  }

  /** The configured components, ordered by position. */
  public List<ComponentDefinition> components() {
    if (config.components().isEmpty()) {
      return DEFAULT_COMPONENTS;
    }
    return config.components().entrySet().stream()
        .map(
            e ->
                new ComponentDefinition(
                    e.getKey(),
                    e.getValue().name(),
                    e.getValue().description().orElse(""),
                    e.getValue().position(),
                    List.copyOf(e.getValue().runbooks())))
        .sorted(Comparator.comparingInt(ComponentDefinition::position).thenComparing(c -> c.id()))
        .toList();
  }

  /** The status now. */
  @Transactional
  public StatusSnapshot snapshot() {
    Instant now = Instant.now(clock);
    List<ComponentDefinition> definitions = components();
    List<Incident> incidents =
        Incident.openOrResolvedSince(now.minus(Duration.ofDays(config.historyDays())));
    Map<Long, List<PublicUpdate>> updates =
        PublicUpdate.ofIncidents(incidents.stream().map(i -> i.id).toList()).stream()
            .collect(Collectors.groupingBy(u -> u.incidentId));

    Mode mode = Mode.NORMAL;
    Instant modeSince = started;
    try {
      OpsState state = maintenance.state();
      mode = state.effectiveMode(now);
      modeSince = state.modeSetting().since().orElse(started);
    } catch (RuntimeException e) {
      LOG.debugf("ops-state not readable for the status page, mode taken as normal: %s", e);
    }
    ComponentStatus modeStatus =
        switch (mode) {
          case MAINTENANCE -> ComponentStatus.UNDER_MAINTENANCE;
          case READ_ONLY ->
              config.readOnlyIsPartialOutage()
                  ? ComponentStatus.PARTIAL_OUTAGE
                  : ComponentStatus.DEGRADED_PERFORMANCE;
          default -> ComponentStatus.OPERATIONAL;
        };

    List<PublicIncidentView> open = new ArrayList<>();
    List<PublicIncidentView> history = new ArrayList<>();
    for (Incident incident : incidents) {
      List<ComponentDefinition> affected =
          definitions.stream().filter(c -> c.runbooks().contains(incident.runbook)).toList();
      if (affected.isEmpty()) {
        continue; // a runbook no public component depends on: internal only
      }
      PublicIncidentView view =
          publicView(incident, affected, updates.getOrDefault(incident.id, List.of()));
      (view.resolved() ? history : open).add(view);
    }

    Instant updatedAt = mode == Mode.NORMAL ? started : modeSince;
    List<StatusComponentView> componentViews = new ArrayList<>();
    ComponentStatus overall = ComponentStatus.OPERATIONAL;
    for (ComponentDefinition definition : definitions) {
      ComponentStatus status = modeStatus;
      Instant componentUpdated = mode == Mode.NORMAL ? started : modeSince;
      for (Incident incident : incidents) {
        if (!definition.runbooks().contains(incident.runbook)) {
          continue;
        }
        if (incident.status != IncidentStatus.RESOLVED) {
          status = status.worse(statusOf(incident.severity));
          componentUpdated = max(componentUpdated, incident.updatedAt);
        } else {
          componentUpdated = max(componentUpdated, incident.resolvedAt);
        }
      }
      if (mode == Mode.MAINTENANCE) {
        status = ComponentStatus.UNDER_MAINTENANCE;
      }
      overall = overall.worse(status);
      updatedAt = max(updatedAt, componentUpdated);
      componentViews.add(
          new StatusComponentView(
              definition.id(),
              definition.name(),
              definition.description(),
              definition.position(),
              definition.runbooks(),
              status,
              componentUpdated));
    }
    for (PublicIncidentView view : open) {
      updatedAt = max(updatedAt, view.updatedAt());
    }
    return new StatusSnapshot(
        config.pageId(),
        config.name(),
        pageUrl(),
        now,
        updatedAt,
        overall,
        mode,
        modeNotice(mode),
        componentViews,
        open,
        history,
        config.historyDays(),
        config.refreshSeconds(),
        noticeAfterText());
  }

  /** The notice threshold in words, e.g. "15 minutes". */
  public String noticeAfterText() {
    Duration after = config.notices().after();
    long minutes = after.toMinutes();
    return minutes >= 1 && after.toSecondsPart() == 0
        ? minutes + (minutes == 1 ? " minute" : " minutes")
        : after.toSeconds() + " seconds";
  }

  /** The page's public name. */
  public String pageName() {
    return config.name();
  }

  /** The public page's URL. */
  public String pageUrl() {
    String base = config.publicUrl();
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/status";
  }

  static ComponentStatus statusOf(Severity severity) {
    return switch (severity) {
      case P0 -> ComponentStatus.MAJOR_OUTAGE;
      case P1 -> ComponentStatus.PARTIAL_OUTAGE;
      default -> ComponentStatus.DEGRADED_PERFORMANCE;
    };
  }

  static String impactOf(Severity severity) {
    return switch (severity) {
      case P0 -> "critical";
      case P1 -> "major";
      default -> "minor";
    };
  }

  private static String modeNotice(Mode mode) {
    return switch (mode) {
      case MAINTENANCE ->
          "Maintenance is in progress: the service is unavailable for a short while. Your data is"
              + " safe.";
      case READ_ONLY ->
          "You can view records, but saving changes is paused for a short while. Your data is"
              + " safe.";
      default -> null;
    };
  }

  private PublicIncidentView publicView(
      Incident incident, List<ComponentDefinition> affected, List<PublicUpdate> stored) {
    String names =
        affected.stream().map(ComponentDefinition::name).collect(Collectors.joining(", "));
    List<PublicUpdateView> updates = new ArrayList<>();
    boolean storedResolved = false;
    if (stored.isEmpty() || stored.get(0).createdAt.isAfter(incident.openedAt)) {
      updates.add(
          new PublicUpdateView(
              incident.id + "-opened",
              "investigating",
              "We are investigating an issue affecting "
                  + names
                  + ". We will post an update here as soon as we know more.",
              incident.openedAt));
    }
    for (PublicUpdate update : stored) {
      updates.add(
          new PublicUpdateView(
              String.valueOf(update.id), update.status, update.body, update.createdAt));
      storedResolved |= "resolved".equals(update.status);
    }
    boolean resolved = incident.status == IncidentStatus.RESOLVED;
    if (resolved && !storedResolved) {
      updates.add(
          new PublicUpdateView(
              incident.id + "-resolved",
              "resolved",
              "This incident has been resolved. "
                  + names
                  + " "
                  + (affected.size() == 1 ? "is" : "are")
                  + " working normally.",
              incident.resolvedAt));
    }
    String status = resolved ? "resolved" : updates.get(updates.size() - 1).status();
    List<PublicUpdateView> newestFirst = new ArrayList<>(updates);
    java.util.Collections.reverse(newestFirst);
    String title =
        incident.publicTitle != null && !incident.publicTitle.isBlank()
            ? incident.publicTitle
            : (incident.severity.compareTo(Severity.P1) <= 0
                    ? "Service disruption"
                    : "Degraded service")
                + ": "
                + names;
    Instant updatedAt = updates.get(updates.size() - 1).at();
    return new PublicIncidentView(
        incident.id,
        title,
        status,
        impactOf(incident.severity),
        affected.stream().map(ComponentDefinition::id).toList(),
        affected.stream().map(ComponentDefinition::name).toList(),
        incident.openedAt,
        max(updatedAt, incident.openedAt),
        incident.resolvedAt,
        newestFirst);
  }

  private static Instant max(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }
}
