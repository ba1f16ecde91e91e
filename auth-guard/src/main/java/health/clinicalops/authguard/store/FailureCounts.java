package health.clinicalops.authguard.store;

/** The counts over the sliding window after a failed sign-in was counted. */
public record FailureCounts(
    long ipFailures,
    long accountFailures,
    long globalFailures,
    long ipUsernames,
    long accountFingerprints,
    long accountIps,
    long fingerprintAccounts,
    long ipFingerprints,
    long ipCommonPasswordFailures) {}
