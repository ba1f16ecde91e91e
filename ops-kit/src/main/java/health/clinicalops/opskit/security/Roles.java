package health.clinicalops.opskit.security;

/** The roles of every {@code /api} call. */
public final class Roles {
  /**
   * The clinical app, which faces the internet: it may only send auth events and audit events and
   * ask rate-limit and block (edge) checks. Every endpoint that grants it says so.
   */
  public static final String APP = "app";

  /** The ops services (and the pipeline, the log shipper): everything but people's actions. */
  public static final String SERVICE = "service";

  /** People: unblock, maintenance, rollback, archive. */
  public static final String OPERATOR = "operator";

  private Roles() {}
}
