package health.clinicalops.rollbackorchestrator.communicate.service;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * An operator's public update of an incident: the only incident text the status page, the JSON and
 * the feed show besides their neutral defaults. {@code title} optionally replaces the neutral
 * heading.
 */
public record PublicUpdateRequest(
    @Pattern(regexp = "investigating|identified|monitoring") String status,
    @NotBlank @Size(max = 5000) String message,
    @Size(max = 200) String title) {}
