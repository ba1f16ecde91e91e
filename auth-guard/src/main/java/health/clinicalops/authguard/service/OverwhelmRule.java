package health.clinicalops.authguard.service;

import health.clinicalops.authguard.config.AuthGuardConfig;
import health.clinicalops.authguard.store.WindowStats;

/**
 * The "Rate Limit Overwhelmed" runbook's steps 1 and 2 as a pure decision on one policy's window:
 * overwhelmed when at least {@code limited-share} of its active clients (and at least {@code
 * min-active-clients} of them) got a 429; abuse when the 429s concentrate on a few keys (at most
 * {@code abuse-max-keys} limited, or those top keys got at least {@code abuse-share} of the 429s),
 * else a legitimate spike.
 */
public final class OverwhelmRule {

  /** The thresholds, as {@code clinicalops.auth-guard.overwhelmed.*} sets them. */
  public record Thresholds(
      double limitedShare, int minActiveClients, int abuseMaxKeys, double abuseShare) {

    public static Thresholds of(AuthGuardConfig.Overwhelmed overwhelmed) {
      return new Thresholds(
          overwhelmed.limitedShare(),
          overwhelmed.minActiveClients(),
          overwhelmed.abuseMaxKeys(),
          overwhelmed.abuseShare());
    }
  }

  /**
   * The judgement of one window.
   *
   * @param limitedShare limited clients over active clients, at most 1
   * @param abuse the 429s concentrate on few keys
   * @param overwhelmed the runbook's trigger holds
   */
  public record Judgement(double limitedShare, boolean abuse, boolean overwhelmed) {

    /** {@code abuse} or {@code legitimate-spike}, as reported. */
    public String verdict() {
      return abuse ? "abuse" : "legitimate-spike";
    }
  }

  private final Thresholds thresholds;

  public OverwhelmRule(Thresholds thresholds) {
    this.thresholds = thresholds;
  }

  public Judgement judge(WindowStats stats) {
    double share =
        Math.min(1.0, (double) stats.limitedClients() / Math.max(1, stats.activeClients()));
    long topDenials =
        stats.topKeys().stream()
            .limit(thresholds.abuseMaxKeys())
            .mapToLong(WindowStats.Ranked::count)
            .sum();
    boolean abuse =
        stats.limitedClients() <= thresholds.abuseMaxKeys()
            || (stats.denials() > 0
                && (double) topDenials / stats.denials() >= thresholds.abuseShare());
    boolean overwhelmed =
        stats.activeClients() >= thresholds.minActiveClients()
            && share >= thresholds.limitedShare();
    return new Judgement(share, abuse, overwhelmed);
  }
}
