package health.clinicalops.rollbackorchestrator.maintenance.service;

import health.clinicalops.opskit.opsstate.Mode;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * A mode change. {@code expiresAt} makes it a lease: a service must give one (its mode falls back
 * to normal if it stops renewing), a person may.
 */
public record MaintenanceRequest(
    @NotNull Mode mode, @NotBlank @Size(max = 1000) String reason, Instant expiresAt) {}
