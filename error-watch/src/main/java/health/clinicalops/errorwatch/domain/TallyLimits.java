package health.clinicalops.errorwatch.domain;

/**
 * How many distinct keys a tally keeps of what the log lines choose (endpoints, roles, regions,
 * releases, error fingerprints); what does not fit is counted under {@link ErrorTally#OTHER}.
 *
 * @param keysPerTally distinct endpoints, roles, regions and fingerprints kept, each
 * @param valuesPerFingerprint distinct endpoints, roles, regions and releases kept per fingerprint
 */
public record TallyLimits(int keysPerTally, int valuesPerFingerprint) {

  /** No caps: a whole file read by an on-call person (file mode). */
  public static final TallyLimits NONE = new TallyLimits(Integer.MAX_VALUE, Integer.MAX_VALUE);
}
