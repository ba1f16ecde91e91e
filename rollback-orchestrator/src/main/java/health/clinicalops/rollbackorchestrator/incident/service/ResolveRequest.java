package health.clinicalops.rollbackorchestrator.incident.service;

import jakarta.validation.constraints.Size;

/** Closing an incident: what was done, and optionally what the public may read (issue 11). */
public record ResolveRequest(
    @Size(max = 10000) String detail, @Size(max = 5000) String publicMessage) {}
