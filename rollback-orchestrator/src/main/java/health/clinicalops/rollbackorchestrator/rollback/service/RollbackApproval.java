package health.clinicalops.rollbackorchestrator.rollback.service;

import health.clinicalops.opskit.clients.RollbackRequest;
import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import health.clinicalops.rollbackorchestrator.rollback.domain.RollbackKind;
import java.util.Optional;

/** Whether a rollback request runs at once or waits for an operator's approval, and why. */
final class RollbackApproval {

  private RollbackApproval() {}

  /**
   * Empty when the request runs at once. A person's own request is their approval. A service's
   * request runs at once only in {@code auto} mode, when it did not ask for approval, and when no
   * database is restored: a database rollback asked for by a service always waits for a person.
   */
  static Optional<String> reasonToWait(
      RollbackRequest request,
      RollbackKind kind,
      boolean byPerson,
      OrchestratorConfig.RollbackMode mode) {
    if (request.approvalRequired()) {
      return Optional.of("the requester asked for approval");
    }
    if (byPerson) {
      return Optional.empty();
    }
    if (kind == RollbackKind.WITH_DATABASE) {
      return Optional.of("a database rollback asked for by a service always waits for a person");
    }
    if (mode != OrchestratorConfig.RollbackMode.auto) {
      return Optional.of("recommend mode");
    }
    return Optional.empty();
  }
}
