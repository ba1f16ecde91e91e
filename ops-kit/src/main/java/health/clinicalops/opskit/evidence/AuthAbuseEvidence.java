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

  /** No evidence (yet). */
  public static AuthAbuseEvidence none() {
    return new AuthAbuseEvidence(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null);
  }

  /**
   * Many accounts tried from one source (credential stuffing, or its variant password spraying).
   */
  public static AuthAbuseEvidence fromOneSource(
      String attackClass,
      String variant,
      String ip,
      String window,
      long failures,
      long distinctUsernames,
      long distinctPasswords,
      long commonPasswordFailures) {
    return new AuthAbuseEvidence(
        attackClass,
        variant,
        ip,
        null,
        failures,
        window,
        null,
        distinctUsernames,
        distinctPasswords,
        null,
        commonPasswordFailures,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** One account attacked (brute force from few sources, or distributed over many). */
  public static AuthAbuseEvidence onOneAccount(
      String attackClass,
      String username,
      String window,
      long failures,
      long distinctPasswords,
      long distinctIps) {
    return new AuthAbuseEvidence(
        attackClass,
        null,
        null,
        username,
        failures,
        window,
        null,
        null,
        distinctPasswords,
        distinctIps,
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

  /** Why a source was blocked automatically: its failures within the window, over the threshold. */
  public static AuthAbuseEvidence overThreshold(
      long failures, String window, int threshold, long distinctUsernames, long distinctPasswords) {
    return new AuthAbuseEvidence(
        null,
        null,
        null,
        null,
        failures,
        window,
        threshold,
        distinctUsernames,
        distinctPasswords,
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

  /** This evidence with the block of {@code ip} it led to (step 3). */
  public AuthAbuseEvidence withBlock(
      String ip, String reason, int offence, Instant expiresAt, boolean shadow) {
    return new AuthAbuseEvidence(
        attackClass,
        variant,
        ip,
        username,
        failures,
        window,
        threshold,
        distinctUsernames,
        distinctPasswords,
        distinctIps,
        commonPasswordFailures,
        sampleUsernames,
        sampleIps,
        allowlisted,
        sessionsRevoked,
        reason,
        offence,
        expiresAt,
        shadow);
  }

  public AuthAbuseEvidence withSampleUsernames(List<String> sample) {
    return new AuthAbuseEvidence(
        attackClass,
        variant,
        ip,
        username,
        failures,
        window,
        threshold,
        distinctUsernames,
        distinctPasswords,
        distinctIps,
        commonPasswordFailures,
        sample,
        sampleIps,
        allowlisted,
        sessionsRevoked,
        reason,
        offence,
        expiresAt,
        shadow);
  }

  public AuthAbuseEvidence withSampleIps(List<String> sample) {
    return new AuthAbuseEvidence(
        attackClass,
        variant,
        ip,
        username,
        failures,
        window,
        threshold,
        distinctUsernames,
        distinctPasswords,
        distinctIps,
        commonPasswordFailures,
        sampleUsernames,
        sample,
        allowlisted,
        sessionsRevoked,
        reason,
        offence,
        expiresAt,
        shadow);
  }

  public AuthAbuseEvidence withAllowlisted(boolean onAllowlist) {
    return new AuthAbuseEvidence(
        attackClass,
        variant,
        ip,
        username,
        failures,
        window,
        threshold,
        distinctUsernames,
        distinctPasswords,
        distinctIps,
        commonPasswordFailures,
        sampleUsernames,
        sampleIps,
        onAllowlist,
        sessionsRevoked,
        reason,
        offence,
        expiresAt,
        shadow);
  }

  /** This evidence with what became of the targeted account's sessions (step 5). */
  public AuthAbuseEvidence withSessionsRevoked(String outcome) {
    return new AuthAbuseEvidence(
        attackClass,
        variant,
        ip,
        username,
        failures,
        window,
        threshold,
        distinctUsernames,
        distinctPasswords,
        distinctIps,
        commonPasswordFailures,
        sampleUsernames,
        sampleIps,
        allowlisted,
        outcome,
        reason,
        offence,
        expiresAt,
        shadow);
  }

  @Override
  public String runbook() {
    return Runbooks.AUTHENTICATION_ABUSE;
  }
}
