package health.clinicalops.authguard.store;

/**
 * One failed sign-in to count. {@code fingerprint} is empty when the app sent none; {@code atMs} is
 * the event time (never later than {@code nowMs}).
 */
public record FailureQuery(
    FailureKeys keys,
    long nowMs,
    long atMs,
    long windowMs,
    String member,
    String username,
    String ip,
    String fingerprint,
    int commonPasswordMinAccounts) {}
