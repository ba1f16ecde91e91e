package health.clinicalops.rollbackorchestrator.service;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * A rollback request. Without {@code database} it is code-only; with it, the database procedure
 * restores {@code database.backup} (a named pre-deploy backup) or {@code database.pointInTime}.
 */
public record RollbackRequest(
    @NotBlank @Size(max = 253) String deployment,
    @Positive Long toRevision,
    @NotBlank @Size(max = 2000) String reason,
    Boolean dryRun,
    @Valid DatabaseRestore database) {

  /** What the database is restored from. */
  public record DatabaseRestore(@Size(max = 121) String backup, Instant pointInTime) {}

  public boolean isDryRun() {
    return Boolean.TRUE.equals(dryRun);
  }
}
