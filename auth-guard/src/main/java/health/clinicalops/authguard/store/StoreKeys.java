package health.clinicalops.authguard.store;

import java.util.Locale;

/** Key names in the counter store (Redis or this pod's memory), all under one prefix. */
public final class StoreKeys {

  static final String PREFIX = "clinicalops:auth-guard:";

  private StoreKeys() {}

  public static String rateLog(String policy, String clientKey) {
    return PREFIX + "rl:" + policy + ":" + clientKey;
  }

  public static WindowStatsKeys windowStats(String policy, long bucket) {
    String base = PREFIX + "ow:" + policy + ":" + bucket + ":";
    return new WindowStatsKeys(
        base + "active", base + "limited", base + "endpoints", base + "denials");
  }

  public static FailureKeys failures(String ip, String username, String fingerprint) {
    String user = username.toLowerCase(Locale.ROOT);
    String base = PREFIX + "af:";
    String fp = fingerprint == null || fingerprint.isEmpty() ? "-" : fingerprint;
    return new FailureKeys(
        base + "ip:" + ip,
        base + "account:" + user,
        base + "global",
        base + "ip-usernames:" + ip,
        base + "account-fingerprints:" + user,
        base + "account-ips:" + user,
        base + "fingerprint-accounts:" + fp,
        base + "ip-fingerprints:" + ip,
        base + "ip-common:" + ip);
  }
}
