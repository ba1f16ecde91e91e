package health.clinicalops.rollbackorchestrator.communicate.service;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;

/** What an operator writes after an incident ("Post-Incident: document root cause"). */
public record PostmortemRequest(
    @Size(max = 20000) String rootCause,
    @Size(max = 100) List<@NotBlank @Size(max = 2000) String> followUps) {}
