package health.clinicalops.opskit.security;

/** The two roles of every {@code /api} call. */
public final class Roles {
  /** The clinical app and the other services. */
  public static final String SERVICE = "service";

  /** People: unblock, maintenance, rollback, archive. */
  public static final String OPERATOR = "operator";

  private Roles() {}
}
