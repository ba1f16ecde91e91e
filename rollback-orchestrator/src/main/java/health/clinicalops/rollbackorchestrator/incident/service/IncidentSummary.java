package health.clinicalops.rollbackorchestrator.incident.service;

import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.rollbackorchestrator.incident.domain.IncidentStatus;
import java.time.Instant;

/** An incident in a list. */
public record IncidentSummary(
    long id,
    String dedupKey,
    String runbook,
    Severity severity,
    String title,
    String source,
    IncidentStatus status,
    boolean breachSuspected,
    Instant openedAt,
    Instant updatedAt,
    Instant acknowledgedAt,
    Instant resolvedAt,
    String publicMessage) {}
