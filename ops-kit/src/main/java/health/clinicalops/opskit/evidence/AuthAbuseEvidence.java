package health.clinicalops.opskit.evidence;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;

/**
 * Evidence of the "Authentication Abuse" runbook: a recognised attack (its class and subject, the
 * counts of step 4), a blocked source (step 3) and what was done about the targeted accounts.
 * Fields that do not apply to a finding are null and left out of the JSON.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuthAbuseEvidence(
    String attackClass,
    String variant,
    String ip,
    String username,
    Long failures,
    String window,
    Integer threshold,
    Long distinctUsernames,
    Long distinctPasswords,
    Long distinctIps,
    Long commonPasswordFailures,
    List<String> sampleUsernames,
    List<String> sampleIps,
    Boolean allowlisted,
    String sessionsRevoked,
    String reason,
    Integer offence,
    Instant expiresAt,
    Boolean shadow)
    implements Evidence {

  public AuthAbuseEvidence {
    attackClass = Bounded.name(attackClass);
    variant = Bounded.name(variant);
    ip = Bounded.name(ip);
    username = Bounded.name(username);
    window = Bounded.name(window);
    sampleUsernames = Bounded.names(sampleUsernames);
    sampleIps = Bounded.names(sampleIps);
    sessionsRevoked = Bounded.text(sessionsRevoked);
    reason = Bounded.text(reason);
  }

  @Override
  public String runbook() {
    return Runbooks.AUTHENTICATION_ABUSE;
  }
}
