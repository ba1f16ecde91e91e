package health.clinicalops.rollbackorchestrator.communicate.service;

import health.clinicalops.rollbackorchestrator.communicate.domain.ComponentStatus;
import java.time.Instant;
import java.util.List;

/** A component of the status page with its current state. */
public record StatusComponentView(
    String id,
    String name,
    String description,
    int position,
    List<String> runbooks,
    ComponentStatus status,
    Instant updatedAt) {}
