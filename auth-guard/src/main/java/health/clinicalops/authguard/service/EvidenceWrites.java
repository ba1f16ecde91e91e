package health.clinicalops.authguard.service;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attacks this replica wrote, and when: an attack's evidence is rewritten at most every
 * evidence-refresh while it goes on. Attack keys carry attacker-chosen usernames and addresses, so
 * at most {@code maxKeys} are remembered, the least recently used forgotten; a forgotten attack's
 * evidence is only written again sooner. Thread-safe.
 */
final class EvidenceWrites {

  private final Map<String, Instant> lastWritten;

  EvidenceWrites(int maxKeys) {
    this.lastWritten =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > maxKeys;
          }
        };
  }

  /**
   * True, and remembered as written now, when {@code key} was not written within {@code refresh}.
   */
  synchronized boolean due(String key, Instant now, Duration refresh) {
    Instant last = lastWritten.get(key);
    if (last != null && now.isBefore(last.plus(refresh))) {
      return false;
    }
    lastWritten.put(key, now);
    return true;
  }

  synchronized int size() {
    return lastWritten.size();
  }
}
