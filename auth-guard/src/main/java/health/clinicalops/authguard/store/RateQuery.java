package health.clinicalops.authguard.store;

/**
 * One rate-limit decision to take: at most {@code limit} requests in any rolling window of {@code
 * windowMs}, at most {@code burst} of them within {@code burstWindowMs}; the statistics keys count
 * active and limited clients of the policy's current statistics window.
 */
public record RateQuery(
    String logKey,
    WindowStatsKeys statsKeys,
    int limit,
    long windowMs,
    int burst,
    long burstWindowMs,
    String member,
    String clientKey,
    String endpoint,
    long statsTtlMs) {}
