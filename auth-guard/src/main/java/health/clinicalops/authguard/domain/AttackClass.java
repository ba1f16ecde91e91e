package health.clinicalops.authguard.domain;

/** The attack patterns the runbook's step 4 asks to tell apart. */
public enum AttackClass {
  /** One IP, many usernames (with common-password fingerprints: password spraying). */
  CREDENTIAL_STUFFING,
  /** One username, many passwords. */
  BRUTE_FORCE,
  /** Many IPs, the same pattern against the same accounts. */
  DISTRIBUTED;

  public String wireValue() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
