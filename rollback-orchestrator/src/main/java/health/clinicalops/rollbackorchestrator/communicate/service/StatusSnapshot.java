package health.clinicalops.rollbackorchestrator.communicate.service;

import health.clinicalops.opskit.opsstate.Mode;
import health.clinicalops.rollbackorchestrator.communicate.domain.ComponentStatus;
import java.time.Instant;
import java.util.List;

/** Everything the public status outputs show, computed at one instant. */
public record StatusSnapshot(
    String pageId,
    String pageName,
    String pageUrl,
    Instant now,
    Instant updatedAt,
    ComponentStatus overall,
    Mode mode,
    String modeNotice,
    List<StatusComponentView> components,
    List<PublicIncidentView> openIncidents,
    List<PublicIncidentView> history,
    int historyDays,
    int refreshSeconds,
    String noticeAfter) {

  /** The heading of the page's overall state. */
  public String overallLabel() {
    return switch (overall) {
      case OPERATIONAL -> "All systems operational";
      case DEGRADED_PERFORMANCE -> "Degraded performance";
      case PARTIAL_OUTAGE -> "Partial outage";
      case MAJOR_OUTAGE -> "Major outage";
      case UNDER_MAINTENANCE -> "Under maintenance";
    };
  }
}
