package health.clinicalops.opskit.evidence;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * Evidence of the "Audit Log Failure" runbook: events spooled while writes fail and replayed after,
 * records quarantined, missing privileges, storage near its quota, a broken hash chain, an archive
 * that failed verification. Fields that do not apply are null and left out of the JSON.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditFailureEvidence(
    String cause,
    String spoolFile,
    Long spoolDepth,
    Long spooledEvents,
    Integer replayFailuresInARow,
    String quarantineFile,
    Long quarantinedEvents,
    String reason,
    List<String> ids,
    String databaseUser,
    Boolean canInsert,
    Boolean canSelect,
    String writeError,
    String suggestedFix,
    Long databaseSizeBytes,
    Long quotaBytes,
    Double ratio,
    String foundDuring,
    Integer problemCount,
    List<String> problems,
    String file)
    implements Evidence {

  public AuditFailureEvidence {
    cause = Bounded.text(cause);
    spoolFile = Bounded.text(spoolFile);
    quarantineFile = Bounded.text(quarantineFile);
    reason = Bounded.text(reason);
    ids = Bounded.names(ids);
    databaseUser = Bounded.name(databaseUser);
    writeError = Bounded.text(writeError);
    suggestedFix = Bounded.text(suggestedFix);
    foundDuring = Bounded.name(foundDuring);
    problems = Bounded.names(problems);
    file = Bounded.text(file);
  }

  /** Writes fail and events go to the spool: why, where, and how many are in it now. */
  public static AuditFailureEvidence spooling(String cause, String spoolFile, long spoolDepth) {
    return new AuditFailureEvidence(
        cause,
        spoolFile,
        spoolDepth,
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
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** The replay into "AuditLog" failed this many times in a row, for this cause. */
  public static AuditFailureEvidence replayFailing(int replayFailuresInARow, String cause) {
    return new AuditFailureEvidence(
        cause,
        null,
        null,
        null,
        replayFailuresInARow,
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
        null,
        null,
        null,
        null);
  }

  /** The spool is drained: this many events spooled in the episode were replayed. */
  public static AuditFailureEvidence spoolDrained(long spooledEvents) {
    return new AuditFailureEvidence(
        null,
        null,
        null,
        spooledEvents,
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
        null,
        null,
        null,
        null,
        null);
  }

  /** Spooled events the database refuses for good were set aside in the quarantine. */
  public static AuditFailureEvidence quarantined(
      String quarantineFile, long quarantinedEvents, String reason, List<String> ids) {
    return new AuditFailureEvidence(
        null,
        null,
        null,
        null,
        null,
        quarantineFile,
        quarantinedEvents,
        reason,
        ids,
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

  /** The database user lacks a privilege on "AuditLog"; {@code suggestedFix} is the GRANT. */
  public static AuditFailureEvidence permissionDenied(
      String databaseUser,
      boolean canInsert,
      boolean canSelect,
      String writeError,
      String suggestedFix) {
    return new AuditFailureEvidence(
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        databaseUser,
        canInsert,
        canSelect,
        writeError,
        suggestedFix,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** The database user's privileges on "AuditLog" are fine again. */
  public static AuditFailureEvidence permissionsRestored(String databaseUser) {
    return new AuditFailureEvidence(
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        databaseUser,
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

  /** The database's size against its storage quota. */
  public static AuditFailureEvidence storageQuota(
      long databaseSizeBytes, long quotaBytes, double ratio) {
    return new AuditFailureEvidence(
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
        null,
        null,
        databaseSizeBytes,
        quotaBytes,
        ratio,
        null,
        null,
        null,
        null);
  }

  /**
   * The hash chain is broken: how many problems (the first ones listed), found while doing what.
   */
  public static AuditFailureEvidence chainBroken(
      String foundDuring, int problemCount, List<String> problems) {
    return new AuditFailureEvidence(
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
        null,
        null,
        null,
        null,
        null,
        foundDuring,
        problemCount,
        problems,
        null);
  }

  /** An archive file failed its verification against the manifest. */
  public static AuditFailureEvidence archiveVerificationFailed(String file, String reason) {
    return new AuditFailureEvidence(
        null, null, null, null, null, null, null, reason, null, null, null, null, null, null, null,
        null, null, null, null, null, file);
  }

  @Override
  public String runbook() {
    return Runbooks.AUDIT_LOG_FAILURE;
  }
}
