package health.clinicalops.rollbackorchestrator.incident.service;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import health.clinicalops.rollbackorchestrator.incident.domain.PageStatus;
import health.clinicalops.rollbackorchestrator.incident.domain.StepKind;
import java.time.Instant;
import java.util.List;

/** One incident with its whole timeline and the pages sent for it. */
public record IncidentView(
    @JsonUnwrapped IncidentSummary incident,
    JsonNode evidence,
    String openedBy,
    String acknowledgedBy,
    String resolvedBy,
    int escalationLevel,
    Instant escalationDueAt,
    List<TimelineEntry> timeline,
    List<PageEntry> pages) {

  /**
   * A timeline step, automated or manual. {@code actor} is who did it, as its sender says; {@code
   * receivedFrom} is who delivered it, by its token.
   */
  public record TimelineEntry(
      String action, String detail, String actor, StepKind kind, Instant at, String receivedFrom) {}

  /** A page to a contact and its delivery. */
  public record PageEntry(
      String contact,
      int escalationLevel,
      String reason,
      PageStatus status,
      int attempts,
      Instant createdAt,
      Instant sentAt,
      String lastError) {}
}
