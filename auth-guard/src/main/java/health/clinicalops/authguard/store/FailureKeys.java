package health.clinicalops.authguard.store;

import java.util.List;

/** The sliding windows one failed sign-in is counted in. */
public record FailureKeys(
    String ipFailures,
    String accountFailures,
    String globalFailures,
    String ipUsernames,
    String accountFingerprints,
    String accountIps,
    String fingerprintAccounts,
    String ipFingerprints,
    String ipCommonPasswordFailures) {

  public List<String> asList() {
    return List.of(
        ipFailures,
        accountFailures,
        globalFailures,
        ipUsernames,
        accountFingerprints,
        accountIps,
        fingerprintAccounts,
        ipFingerprints,
        ipCommonPasswordFailures);
  }
}
