package health.clinicalops.opskit;

/**
 * The five services' names, each written once: a service's own name in its incidents, audit events
 * and mode settings, and the names peers know it by. They equal {@code quarkus.application.name}.
 */
public final class ServiceNames {
  public static final String AUTH_GUARD = "auth-guard";
  public static final String DB_SENTINEL = "db-sentinel";
  public static final String AUDIT_KEEPER = "audit-keeper";
  public static final String ERROR_WATCH = "error-watch";
  public static final String ROLLBACK_ORCHESTRATOR = "rollback-orchestrator";

  private ServiceNames() {}
}
