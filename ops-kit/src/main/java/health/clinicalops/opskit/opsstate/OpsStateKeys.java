package health.clinicalops.opskit.opsstate;

/**
 * The key names of the ops-state ConfigMap (DESIGN.md, "The ops-state ConfigMap"), in one place.
 */
public final class OpsStateKeys {
  public static final String MODE = "mode";
  public static final String MODE_REASON = "mode.reason";
  public static final String MODE_SET_BY = "mode.setBy";
  public static final String MODE_SINCE = "mode.since";
  public static final String MODE_LEASE_EXPIRES_AT = "mode.leaseExpiresAt";
  public static final String DATABASE_TARGET = "database.target";
  public static final String RATE_LIMIT_OVERRIDE_PREFIX = "ratelimit.override.";

  private OpsStateKeys() {}

  public static String rateLimitOverride(String policy) {
    return RATE_LIMIT_OVERRIDE_PREFIX + policy;
  }
}
