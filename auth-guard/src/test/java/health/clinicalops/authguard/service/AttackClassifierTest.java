package health.clinicalops.authguard.service;

import static org.assertj.core.api.Assertions.assertThat;

import health.clinicalops.authguard.domain.AttackClass;
import health.clinicalops.authguard.service.AttackClassifier.Finding;
import health.clinicalops.authguard.store.FailureCounts;
import health.clinicalops.authguard.store.FailureKeys;
import java.time.Duration;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** The runbook's step 4 on counts alone, with its thresholds (20, 20, 30, 10 in 5 min). */
class AttackClassifierTest {

  private static final String IP = "203.0.113.7";
  private static final String USER = "nurse@clinic.example";
  private static final FailureKeys KEYS =
      new FailureKeys(
          "ip",
          "acct",
          "global",
          "ip-users",
          "acct-fps",
          "acct-ips",
          "fp-accts",
          "ip-fps",
          "ip-common");

  private final AttackClassifier classifier =
      new AttackClassifier(new AttackClassifier.Thresholds(Duration.ofMinutes(5), 20, 20, 30, 10));

  /** Counts of one IP and one account; the global and per-fingerprint ones play no part. */
  private static FailureCounts counts(
      long ipFailures,
      long ipUsernames,
      long ipFingerprints,
      long ipCommonPasswordFailures,
      long accountFailures,
      long accountFingerprints,
      long accountIps) {
    return new FailureCounts(
        ipFailures,
        accountFailures,
        ipFailures,
        ipUsernames,
        accountFingerprints,
        accountIps,
        1,
        ipFingerprints,
        ipCommonPasswordFailures);
  }

  private List<Finding> classify(FailureCounts counts) {
    return classifier.classify(IP, USER, KEYS, counts);
  }

  @Test
  void aFewTyposAreNoAttack() {
    assertThat(classify(counts(3, 2, 3, 0, 2, 2, 1))).isEmpty();
  }

  @Test
  void manyUsernamesWithTheirOwnPasswordsFromOneSourceIsCredentialStuffing() {
    List<Finding> findings = classify(counts(40, 20, 40, 0, 1, 1, 1));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.attackClass()).isEqualTo(AttackClass.CREDENTIAL_STUFFING);
              assertThat(f.subject()).isEqualTo(IP);
              assertThat(f.failures()).isEqualTo(40);
              assertThat(f.evidence().variant()).isEqualTo("credential-stuffing");
              assertThat(f.evidence().window()).isEqualTo("PT5M");
              assertThat(f.sampleKey()).isEqualTo(KEYS.ipUsernames());
            });
  }

  @Test
  void oneUsernameShortOfTheThresholdIsNotYetStuffing() {
    assertThat(classify(counts(40, 19, 40, 0, 1, 1, 1))).isEmpty();
  }

  @Test
  void theSameFewPasswordsOverManyAccountsIsPasswordSpraying() {
    // Half the failures used a password that fails on many accounts.
    assertThat(classify(counts(40, 30, 30, 20, 1, 1, 1)))
        .singleElement()
        .extracting(f -> f.evidence().variant())
        .isEqualTo("password-spraying");
    // Or few distinct passwords for the usernames tried (1 per 4 or fewer).
    assertThat(classify(counts(40, 40, 10, 0, 1, 1, 1)))
        .singleElement()
        .extracting(f -> f.evidence().variant())
        .isEqualTo("password-spraying");
  }

  @Test
  void manyPasswordsOnOneAccountIsBruteForce() {
    assertThat(classify(counts(20, 1, 20, 0, 20, 20, 1)))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.attackClass()).isEqualTo(AttackClass.BRUTE_FORCE);
              assertThat(f.subject()).isEqualTo(USER);
              assertThat(f.sampleKey()).isEqualTo(KEYS.accountIps());
            });
  }

  @Test
  void withoutFingerprintsBruteForceIsCountedInFailures() {
    assertThat(classify(counts(29, 1, 0, 0, 29, 0, 1))).isEmpty();
    assertThat(classify(counts(30, 1, 0, 0, 30, 0, 1)))
        .extracting(Finding::attackClass)
        .containsExactly(AttackClass.BRUTE_FORCE);
  }

  @Test
  void oneAccountFromManyAddressesIsDistributedEvenWithManyPasswords() {
    assertThat(classify(counts(2, 1, 2, 0, 25, 25, 10)))
        .extracting(Finding::attackClass)
        .containsExactly(AttackClass.DISTRIBUTED);
  }

  @Test
  void aSourceStuffingWhileAnAccountIsBruteForcedIsBoth() {
    assertThat(classify(counts(60, 25, 60, 0, 35, 22, 1)))
        .extracting(Finding::attackClass, Finding::subject)
        .containsExactly(
            Tuple.tuple(AttackClass.CREDENTIAL_STUFFING, IP),
            Tuple.tuple(AttackClass.BRUTE_FORCE, USER));
  }
}
