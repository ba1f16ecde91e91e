package health.clinicalops.errorwatch.domain;

import java.util.HashMap;
import java.util.Map;

/**
 * One error fingerprint within some time slice: how often, when, a sample line, the exact messages
 * it merged (the rows of the runbook's {@code uniq -c}), and where it happened.
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

  public FingerprintStats(String fingerprint) {
    this.fingerprint = fingerprint;
  }

  public void add(LogLine line, String sampleLine) {
    count++;
    if (line.epochMillis() < firstSeen) {
      firstSeen = line.epochMillis();
      if (sampleLine != null) {
        sample = sampleLine;
      }
    } else if (sample == null) {
      sample = sampleLine;
    }
    lastSeen = Math.max(lastSeen, line.epochMillis());
    addMessage(line.pipelineMessage(), 1);
    endpoints.merge(orUnknown(line.endpoint()), 1L, Long::sum);
    roles.merge(orUnknown(line.role()), 1L, Long::sum);
    regions.merge(orUnknown(line.region()), 1L, Long::sum);
    releases.merge(orUnknown(line.release()), 1L, Long::sum);
  }

  public void add(FingerprintStats other) {
    count += other.count;
    if (other.firstSeen < firstSeen) {
      firstSeen = other.firstSeen;
      if (other.sample != null) {
        sample = other.sample;
      }
    }
    if (sample == null) {
      sample = other.sample;
    }
    lastSeen = Math.max(lastSeen, other.lastSeen);
    otherMessages += other.otherMessages;
    other.messages.forEach(this::addMessage);
    other.endpoints.forEach((k, v) -> endpoints.merge(k, v, Long::sum));
    other.roles.forEach((k, v) -> roles.merge(k, v, Long::sum));
    other.regions.forEach((k, v) -> regions.merge(k, v, Long::sum));
    other.releases.forEach((k, v) -> releases.merge(k, v, Long::sum));
  }

  private void addMessage(String message, long n) {
    if (messages.containsKey(message) || messages.size() < MESSAGE_LIMIT) {
      messages.merge(message, n, Long::sum);
    } else {
      otherMessages += n;
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
