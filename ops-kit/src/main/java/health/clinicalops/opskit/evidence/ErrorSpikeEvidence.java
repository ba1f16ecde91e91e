package health.clinicalops.opskit.evidence;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Evidence of the "Error Rate Spike" runbook: the ratio and its window, the top error fingerprints
 * (step 2), the database's state and the deploy it correlates with (step 3), and the decision taken
 * (step 4: roll back, follow another runbook, or wait). Fields that do not apply are null and left
 * out of the JSON.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorSpikeEvidence(
    String alertId,
    String cause,
    String decision,
    Boolean rollbackRequested,
    Instant resolvedAt,
    Double errorRatio,
    Instant spikeStartedAt,
    Instant firedAt,
    Double threshold,
    String databaseState,
    String databaseCause,
    String deploysUnreadable,
    List<TopError> topErrors,
    Deploy deploy,
    String rollbackMode,
    String rollbackId,
    String rollbackStatus,
    String rollbackFailure)
    implements Evidence {

  /** Fingerprints kept: each carries a sample and its endpoints, so fewer than other lists. */
  public static final int TOP_ERRORS = 10;

  public ErrorSpikeEvidence {
    alertId = Bounded.name(alertId);
    cause = Bounded.name(cause);
    decision = Bounded.text(decision);
    databaseState = Bounded.name(databaseState);
    databaseCause = Bounded.text(databaseCause);
    deploysUnreadable = Bounded.text(deploysUnreadable);
    topErrors = Bounded.list(topErrors, TOP_ERRORS);
    rollbackMode = Bounded.name(rollbackMode);
    rollbackId = Bounded.name(rollbackId);
    rollbackStatus = Bounded.name(rollbackStatus);
    rollbackFailure = Bounded.text(rollbackFailure);
  }

  @Override
  public String runbook() {
    return Runbooks.ERROR_RATE_SPIKE;
  }

  /** What a spike looked like when it fired (steps 2 and 3), before anything was decided. */
  public static ErrorSpikeEvidence observed(
      double errorRatio,
      Instant spikeStartedAt,
      Instant firedAt,
      double threshold,
      String databaseState,
      String databaseCause,
      String deploysUnreadable,
      List<TopError> topErrors,
      Deploy deploy) {
    return new ErrorSpikeEvidence(
        null,
        null,
        null,
        null,
        null,
        errorRatio,
        spikeStartedAt,
        firedAt,
        threshold,
        databaseState,
        databaseCause,
        deploysUnreadable,
        topErrors,
        deploy,
        null,
        null,
        null,
        null);
  }

  /** What the resolution of alert {@code alertId} reports. */
  public static ErrorSpikeEvidence resolved(String alertId, Instant resolvedAt) {
    return new ErrorSpikeEvidence(
        alertId,
        null,
        null,
        null,
        resolvedAt,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /**
   * This evidence with the rollback asked for in {@code mode}: rollback-orchestrator's id and
   * status for it, or why asking failed.
   */
  public ErrorSpikeEvidence withRollback(String mode, String id, String status, String failure) {
    return new ErrorSpikeEvidence(
        alertId,
        cause,
        decision,
        rollbackRequested,
        resolvedAt,
        errorRatio,
        spikeStartedAt,
        firedAt,
        threshold,
        databaseState,
        databaseCause,
        deploysUnreadable,
        topErrors,
        deploy,
        mode,
        id,
        status,
        failure);
  }

  /** This evidence with the decision taken about alert {@code alertId} (step 4). */
  public ErrorSpikeEvidence withDecision(
      String alertId, String cause, String decision, boolean rollbackRequested) {
    return new ErrorSpikeEvidence(
        alertId,
        cause,
        decision,
        rollbackRequested,
        resolvedAt,
        errorRatio,
        spikeStartedAt,
        firedAt,
        threshold,
        databaseState,
        databaseCause,
        deploysUnreadable,
        topErrors,
        deploy,
        rollbackMode,
        rollbackId,
        rollbackStatus,
        rollbackFailure);
  }

  /** One error fingerprint of the spike's window. */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TopError(
      String fingerprint,
      long count,
      Instant firstSeenEver,
      boolean newSinceDeploy,
      boolean namesThirdParty,
      Map<String, Long> endpoints,
      String sample) {
    public TopError {
      fingerprint = Bounded.name(fingerprint);
      endpoints = Bounded.map(endpoints);
      sample = Bounded.text(sample);
    }
  }

  /** The deploy the spike correlates with. */
  @RegisterForReflection
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Deploy(
      String id,
      String app,
      String image,
      String revision,
      String release,
      String previousRevision,
      Instant deployedAt,
      String source) {
    public Deploy {
      id = Bounded.name(id);
      app = Bounded.name(app);
      image = Bounded.name(image);
      revision = Bounded.name(revision);
      release = Bounded.name(release);
      previousRevision = Bounded.name(previousRevision);
      source = Bounded.name(source);
    }
  }
}
