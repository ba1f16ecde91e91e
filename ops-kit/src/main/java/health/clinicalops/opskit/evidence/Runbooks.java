package health.clinicalops.opskit.evidence;

/** The runbook names used in incidents, one per runbook of INCIDENT_RUNBOOKS.md. */
public final class Runbooks {
  public static final String AUTHENTICATION_ABUSE = "authentication-abuse";
  public static final String DATABASE_CONNECTIVITY_LOSS = "database-connectivity-loss";
  public static final String AUDIT_LOG_FAILURE = "audit-log-failure";
  public static final String ERROR_RATE_SPIKE = "error-rate-spike";
  public static final String ROLLBACK_DEPLOYMENT = "rollback-deployment";
  public static final String RATE_LIMIT_OVERWHELMED = "rate-limit-overwhelmed";

  private Runbooks() {}
}
