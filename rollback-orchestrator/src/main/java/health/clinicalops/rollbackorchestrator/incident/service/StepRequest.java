package health.clinicalops.rollbackorchestrator.incident.service;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** A step a person or service took, for an incident's timeline. */
public record StepRequest(
    @NotBlank @Size(max = 200) String action, @Size(max = 10000) String detail) {}
