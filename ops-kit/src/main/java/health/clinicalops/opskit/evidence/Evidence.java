package health.clinicalops.opskit.evidence;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a service found and did in one incident, as one typed record per runbook of
 * INCIDENT_RUNBOOKS.md. On the wire it is a JSON object whose {@code kind} names the record (the
 * runbook); the receiver reads fields, never string keys. Every record bounds its own lists and
 * texts when it is made (see {@link Bounded}), so any evidence fits the receiver's body limit.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = AuthAbuseEvidence.class, name = Runbooks.AUTHENTICATION_ABUSE),
  @JsonSubTypes.Type(
      value = DatabaseLossEvidence.class,
      name = Runbooks.DATABASE_CONNECTIVITY_LOSS),
  @JsonSubTypes.Type(value = AuditFailureEvidence.class, name = Runbooks.AUDIT_LOG_FAILURE),
  @JsonSubTypes.Type(value = ErrorSpikeEvidence.class, name = Runbooks.ERROR_RATE_SPIKE),
  @JsonSubTypes.Type(value = RollbackEvidence.class, name = Runbooks.ROLLBACK_DEPLOYMENT),
  @JsonSubTypes.Type(value = RateLimitStormEvidence.class, name = Runbooks.RATE_LIMIT_OVERWHELMED)
})
public sealed interface Evidence
    permits AuthAbuseEvidence,
        DatabaseLossEvidence,
        AuditFailureEvidence,
        ErrorSpikeEvidence,
        RollbackEvidence,
        RateLimitStormEvidence {

  /** The runbook this evidence belongs to: one of {@link Runbooks}. */
  @JsonIgnore
  String runbook();
}
