package health.clinicalops.authguard.service;

import health.clinicalops.authguard.config.AuthGuardConfig;
import health.clinicalops.authguard.domain.AttackClass;
import health.clinicalops.authguard.store.FailureCounts;
import health.clinicalops.authguard.store.FailureKeys;
import health.clinicalops.opskit.evidence.AuthAbuseEvidence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The runbook's step 4 as a pure decision: which attack patterns the sliding-window counts of one
 * failed sign-in show. From one source: many usernames is credential stuffing, or password spraying
 * when the same few passwords go over them. On one account: many source IPs is a distributed
 * attack, else many passwords (or, without fingerprints, many failures) is brute force. A normal
 * stream yields nothing.
 */
public final class AttackClassifier {

  /**
   * The thresholds, over the counting window.
   *
   * @param window the sliding window the counts cover (for the evidence)
   * @param stuffingMinUsernames distinct usernames failing from one source
   * @param bruteForceMinPasswords distinct password fingerprints failing on one account
   * @param bruteForceMinFailures failures on one account when no fingerprint is sent
   * @param distributedMinIps distinct source IPs failing on one account
   */
  public record Thresholds(
      Duration window,
      int stuffingMinUsernames,
      int bruteForceMinPasswords,
      int bruteForceMinFailures,
      int distributedMinIps) {

    public static Thresholds of(AuthGuardConfig.Abuse abuse) {
      return new Thresholds(
          abuse.window(),
          abuse.stuffingMinUsernames(),
          abuse.bruteForceMinPasswords(),
          abuse.bruteForceMinFailures(),
          abuse.distributedMinIps());
    }
  }

  /**
   * One recognised pattern; {@code sampleKey} holds the recent usernames (one source's attack) or
   * addresses (one account's) that its evidence samples.
   */
  public record Finding(
      AttackClass attackClass,
      String subject,
      long failures,
      AuthAbuseEvidence evidence,
      String sampleKey) {}

  private final Thresholds thresholds;

  public AttackClassifier(Thresholds thresholds) {
    this.thresholds = thresholds;
  }

  /** The patterns the counts after a failure of {@code username} from {@code ip} show. */
  public List<Finding> classify(String ip, String username, FailureKeys keys, FailureCounts c) {
    String window = thresholds.window().toString();
    List<Finding> findings = new ArrayList<>();
    if (c.ipUsernames() >= thresholds.stuffingMinUsernames()) {
      // The same few passwords over many accounts is spraying; one password per account, leaked
      // pairs, is stuffing.
      boolean spraying =
          c.ipCommonPasswordFailures() * 2 >= c.ipFailures()
              || (c.ipFingerprints() > 0 && c.ipFingerprints() * 4 <= c.ipUsernames());
      AttackClass stuffing = AttackClass.CREDENTIAL_STUFFING;
      findings.add(
          new Finding(
              stuffing,
              ip,
              c.ipFailures(),
              AuthAbuseEvidence.fromOneSource(
                  stuffing.wireValue(),
                  spraying ? "password-spraying" : "credential-stuffing",
                  ip,
                  window,
                  c.ipFailures(),
                  c.ipUsernames(),
                  c.ipFingerprints(),
                  c.ipCommonPasswordFailures()),
              keys.ipUsernames()));
    }
    AttackClass onAccount = null;
    if (c.accountIps() >= thresholds.distributedMinIps()) {
      onAccount = AttackClass.DISTRIBUTED;
    } else if (c.accountFingerprints() >= thresholds.bruteForceMinPasswords()
        || (c.accountFingerprints() == 0
            && c.accountFailures() >= thresholds.bruteForceMinFailures())) {
      onAccount = AttackClass.BRUTE_FORCE;
    }
    if (onAccount != null) {
      findings.add(
          new Finding(
              onAccount,
              username,
              c.accountFailures(),
              AuthAbuseEvidence.onOneAccount(
                  onAccount.wireValue(),
                  username,
                  window,
                  c.accountFailures(),
                  c.accountFingerprints(),
                  c.accountIps()),
              keys.accountIps()));
    }
    return findings;
  }
}
