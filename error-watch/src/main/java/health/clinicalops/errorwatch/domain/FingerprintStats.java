package health.clinicalops.errorwatch.domain;

import java.util.HashMap;
import java.util.Map;

/**
 * One error fingerprint within some time slice: how often, when, a sample line, the exact messages
 * it merged (the rows of the runbook's {@code uniq -c}), and where it happened. Endpoints, roles,
 * regions and releases past the cap or the {@link KeyBudget} are counted under {@link
 * ErrorTally#OTHER}; messages past {@link #MESSAGE_LIMIT} or the budget in {@link #otherMessages}.
 */
public final class FingerprintStats {

  /** Distinct exact messages kept per fingerprint; more are counted in {@link #otherMessages}. */
  public static final int MESSAGE_LIMIT = 50;

  private final String fingerprint;
  private long count;
  private long firstSeen = Long.MAX_VALUE;
  private long lastSeen = Long.MIN_VALUE;
  private String sample;
  private long otherMessages;
  private final Map<String, Long> messages = new HashMap<>();
  private final Map<String, Long> endpoints = new HashMap<>();
  private final Map<String, Long> roles = new HashMap<>();
  private final Map<String, Long> regions = new HashMap<>();
  private final Map<String, Long> releases = new HashMap<>();

  private final int valuesLimit;
  private final KeyBudget budget;

  /** Without caps (file mode). */
  public FingerprintStats(String fingerprint) {
    this(fingerprint, Integer.MAX_VALUE, KeyBudget.unlimited());
  }

  /**
   * @param valuesLimit distinct endpoints, roles, regions and releases kept, each
   * @param budget what keys and the sample may cost, shared with the tally holding this
   */
  public FingerprintStats(String fingerprint, int valuesLimit, KeyBudget budget) {
    this.fingerprint = fingerprint;
    this.valuesLimit = valuesLimit;
    this.budget = budget;
  }

  public void add(LogLine line, String sampleLine) {
    count++;
    if (line.epochMillis() < firstSeen) {
      firstSeen = line.epochMillis();
      if (sampleLine != null) {
        keepSample(sampleLine);
      }
    } else if (sample == null) {
      keepSample(sampleLine);
    }
    lastSeen = Math.max(lastSeen, line.epochMillis());
    addMessage(line.pipelineMessage(), 1);
    addValue(endpoints, orUnknown(line.endpoint()), 1);
    addValue(roles, orUnknown(line.role()), 1);
    addValue(regions, orUnknown(line.region()), 1);
    addValue(releases, orUnknown(line.release()), 1);
  }

  public void add(FingerprintStats other) {
    count += other.count;
    if (other.firstSeen < firstSeen) {
      firstSeen = other.firstSeen;
      if (other.sample != null) {
        keepSample(other.sample);
      }
    }
    if (sample == null && other.sample != null) {
      keepSample(other.sample);
    }
    lastSeen = Math.max(lastSeen, other.lastSeen);
    otherMessages += other.otherMessages;
    other.messages.forEach(this::addMessage);
    other.endpoints.forEach((k, v) -> addValue(endpoints, k, v));
    other.roles.forEach((k, v) -> addValue(roles, k, v));
    other.regions.forEach((k, v) -> addValue(regions, k, v));
    other.releases.forEach((k, v) -> addValue(releases, k, v));
  }

  private void addMessage(String message, long n) {
    if (messages.containsKey(message)
        || (messages.size() < MESSAGE_LIMIT && budget.take(message))) {
      messages.merge(message, n, Long::sum);
    } else {
      otherMessages += n;
    }
  }

  private void addValue(Map<String, Long> values, String key, long n) {
    if (values.containsKey(key)
        || (!ErrorTally.OTHER.equals(key)
            && ErrorTally.keys(values) < valuesLimit
            && budget.take(key))) {
      values.merge(key, n, Long::sum);
    } else {
      values.merge(ErrorTally.OTHER, n, Long::sum);
    }
  }

  /** Replaces the sample; a sample that does not fit the budget is not kept. */
  private void keepSample(String line) {
    if (line != null && budget.take(line)) {
      if (sample != null) {
        budget.giveBack(sample);
      }
      sample = line;
    }
  }

  static String orUnknown(String value) {
    return value == null ? "unknown" : value;
  }

  public String fingerprint() {
    return fingerprint;
  }

  public long count() {
    return count;
  }

  public long firstSeen() {
    return firstSeen;
  }

  public long lastSeen() {
    return lastSeen;
  }

  public String sample() {
    return sample;
  }

  public long otherMessages() {
    return otherMessages;
  }

  public Map<String, Long> messages() {
    return messages;
  }

  public Map<String, Long> endpoints() {
    return endpoints;
  }

  public Map<String, Long> roles() {
    return roles;
  }

  public Map<String, Long> regions() {
    return regions;
  }

  public Map<String, Long> releases() {
    return releases;
  }
}
