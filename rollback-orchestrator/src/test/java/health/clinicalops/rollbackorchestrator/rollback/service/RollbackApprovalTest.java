package health.clinicalops.rollbackorchestrator.rollback.service;

import static org.assertj.core.api.Assertions.assertThat;

import health.clinicalops.opskit.clients.RollbackRequest;
import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig.RollbackMode;
import health.clinicalops.rollbackorchestrator.rollback.domain.RollbackKind;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which rollback requests run at once and which wait for an operator. */
class RollbackApprovalTest {

  static final boolean SERVICE = false;
  static final boolean PERSON = true;

  static RollbackRequest codeOnly(boolean requireApproval) {
    return RollbackRequest.codeOnly("clinical-app", 7L, "error spike", requireApproval);
  }

  static RollbackRequest withDatabase() {
    return new RollbackRequest(
        "clinical-app",
        null,
        "migration broke notes",
        null,
        null,
        new RollbackRequest.DatabaseRestore(null, Instant.parse("2026-12-01T10:00:00Z")));
  }

  @Test
  void aServiceAskingForApprovalWaitsEvenInAutoMode() {
    assertThat(
            RollbackApproval.reasonToWait(
                codeOnly(true), RollbackKind.CODE_ONLY, SERVICE, RollbackMode.auto))
        .hasValue("the requester asked for approval");
  }

  @Test
  void aServicesCodeOnlyRollbackRunsAtOnceOnlyInAutoMode() {
    assertThat(
            RollbackApproval.reasonToWait(
                codeOnly(false), RollbackKind.CODE_ONLY, SERVICE, RollbackMode.auto))
        .isEmpty();
    assertThat(
            RollbackApproval.reasonToWait(
                codeOnly(false), RollbackKind.CODE_ONLY, SERVICE, RollbackMode.recommend))
        .hasValue("recommend mode");
  }

  @Test
  void aServicesDatabaseRollbackAlwaysWaitsForAPerson() {
    assertThat(
            RollbackApproval.reasonToWait(
                withDatabase(), RollbackKind.WITH_DATABASE, SERVICE, RollbackMode.auto))
        .hasValueSatisfying(reason -> assertThat(reason).contains("always waits for a person"));
  }

  @Test
  void aPersonsOwnRequestIsTheirApproval() {
    assertThat(
            RollbackApproval.reasonToWait(
                withDatabase(), RollbackKind.WITH_DATABASE, PERSON, RollbackMode.recommend))
        .isEmpty();
    assertThat(
            RollbackApproval.reasonToWait(
                codeOnly(true), RollbackKind.CODE_ONLY, PERSON, RollbackMode.auto))
        .as("unless they ask for a second person's approval")
        .isPresent();
  }
}
