package health.clinicalops.rollbackorchestrator.rollback.service;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/** A named pre-deploy backup, taken by the deploy pipeline before migrations run. */
public record BackupRequest(
    @NotBlank @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,120}") String name) {}
