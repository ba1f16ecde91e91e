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

  @Override
  public String runbook() {
    return Runbooks.AUDIT_LOG_FAILURE;
  }
}
