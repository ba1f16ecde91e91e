package health.clinicalops.rollbackorchestrator.rollback.service;

import health.clinicalops.rollbackorchestrator.rollback.domain.RollbackKind;
import health.clinicalops.rollbackorchestrator.rollback.domain.RollbackStatus;
import health.clinicalops.rollbackorchestrator.rollback.domain.RollbackStepName;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A rollback with every step taken. */
public record RollbackView(
    long id,
    String deployment,
    String namespace,
    RollbackKind kind,
    long fromRevision,
    long toRevision,
    String reason,
    boolean dryRun,
    boolean automatic,
    String requestedBy,
    String approvedBy,
    RollbackStatus status,
    RollbackStepName nextStep,
    String restoreBackup,
    Instant restorePointInTime,
    String backupPath,
    Long backupSize,
    Map<String, Object> rowCountsBefore,
    Map<String, Object> rowCountsAfter,
    Long incidentId,
    String error,
    Instant createdAt,
    Instant updatedAt,
    Instant finishedAt,
    List<Step> steps) {

  /** One step. */
  public record Step(String name, String outcome, String detail, Instant at) {}
}
