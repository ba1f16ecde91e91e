package health.clinicalops.authguard.store;

/**
 * A store's answer to a {@link RateQuery}: allowed or not, what is left, when a slot frees ({@code
 * resetAtMs}) and, when refused, when to retry ({@code retryAtMs}); times in epoch milliseconds of
 * the store's clock.
 */
public record RateCount(
    boolean allowed, int remaining, long resetAtMs, long retryAtMs, long nowMs) {}
