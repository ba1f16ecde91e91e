package health.clinicalops.authguard.store;

import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This pod's own windows, used while Redis is lost: the same semantics as the Lua scripts, but the
 * limits hold per pod only. Each operation locks the store for its few map operations, which keeps
 * every step atomic; idle windows are dropped by {@link #evictExpired()}.
 */
public class LocalWindowStore implements WindowStore {

  private final Map<String, SortedWindow> windows = new ConcurrentHashMap<>();
  private final Map<String, Long> counters = new ConcurrentHashMap<>();
  private final Clock clock;

  public LocalWindowStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Uni<RateCount> acquire(RateQuery q) {
    long now = clock.millis();
    SortedWindow log = window(q.logKey());
    log.removeUpTo(now - q.windowMs());
    int count = log.size();
    boolean allowed = true;
    long retryAt = 0;
    if (count >= q.limit()) {
      allowed = false;
      retryAt = log.scoreAt(count - q.limit()) + q.windowMs();
    } else if (q.burst() < q.limit()) {
      List<Long> inBurst = log.scoresAfter(now - q.burstWindowMs());
      if (inBurst.size() >= q.burst()) {
        allowed = false;
        retryAt = inBurst.get(inBurst.size() - q.burst()) + q.burstWindowMs();
      }
    }
    if (allowed) {
      log.add(q.member(), now, false);
      count++;
    }
    log.expiresAt = now + q.windowMs();
    long resetAt = log.size() == 0 ? now + q.windowMs() : log.scoreAt(0) + q.windowMs();
    WindowStatsKeys s = q.statsKeys();
    long statsExpiry = now + q.statsTtlMs();
    SortedWindow active = window(s.active());
    active.add(q.clientKey(), now, true);
    active.expiresAt = statsExpiry;
    if (!allowed) {
      SortedWindow limited = window(s.limited());
      limited.increment(q.clientKey());
      limited.expiresAt = statsExpiry;
      SortedWindow endpoints = window(s.endpoints());
      endpoints.increment(q.endpoint());
      endpoints.expiresAt = statsExpiry;
      counters.merge(s.denials(), 1L, Long::sum);
      window(s.denials()).expiresAt = statsExpiry;
    }
    return Uni.createFrom()
        .item(new RateCount(allowed, Math.max(0, q.limit() - count), resetAt, retryAt, now));
  }

  @Override
  public synchronized Uni<FailureCounts> recordFailure(FailureQuery q) {
    long cutoff = q.nowMs() - q.windowMs();
    FailureKeys k = q.keys();
    long ipFailures = add(k.ipFailures(), q.member(), q, cutoff);
    long accountFailures = add(k.accountFailures(), q.member(), q, cutoff);
    long globalFailures = add(k.globalFailures(), q.member(), q, cutoff);
    long ipUsernames = add(k.ipUsernames(), q.username(), q, cutoff);
    long accountIps = add(k.accountIps(), q.ip(), q, cutoff);
    long accountFingerprints = 0;
    long fingerprintAccounts = 0;
    long ipFingerprints = 0;
    if (!q.fingerprint().isEmpty()) {
      accountFingerprints = add(k.accountFingerprints(), q.fingerprint(), q, cutoff);
      fingerprintAccounts = add(k.fingerprintAccounts(), q.username(), q, cutoff);
      ipFingerprints = add(k.ipFingerprints(), q.fingerprint(), q, cutoff);
      if (fingerprintAccounts >= q.commonPasswordMinAccounts()) {
        add(k.ipCommonPasswordFailures(), q.member(), q, cutoff);
      }
    }
    SortedWindow common = window(k.ipCommonPasswordFailures());
    common.removeUpTo(cutoff);
    return Uni.createFrom()
        .item(
            new FailureCounts(
                ipFailures,
                accountFailures,
                globalFailures,
                ipUsernames,
                accountFingerprints,
                accountIps,
                fingerprintAccounts,
                ipFingerprints,
                common.size()));
  }

  @Override
  public synchronized Uni<List<String>> recentMembers(String key, long sinceMs, int max) {
    SortedWindow w = windows.get(key);
    if (w == null) {
      return Uni.createFrom().item(List.of());
    }
    return Uni.createFrom().item(w.newestMembersSince(sinceMs, max));
  }

  @Override
  public synchronized Uni<WindowStats> windowStats(
      WindowStatsKeys k, WindowStatsKeys previous, int top) {
    SortedWindow active = windows.get(k.active());
    SortedWindow limited = windows.get(k.limited());
    SortedWindow endpoints = windows.get(k.endpoints());
    SortedWindow before = windows.get(previous.active());
    List<String> sample = limited == null ? List.of() : limited.sample(WindowStats.SAMPLE);
    long returning = before == null ? 0 : sample.stream().filter(before::contains).count();
    return Uni.createFrom()
        .item(
            new WindowStats(
                active == null ? 0 : active.size(),
                limited == null ? 0 : limited.size(),
                counters.getOrDefault(k.denials(), 0L),
                limited == null ? List.of() : limited.topByScore(top),
                endpoints == null ? List.of() : endpoints.topByScore(top),
                sample.size(),
                returning));
  }

  @Override
  public Uni<Void> ping() {
    return Uni.createFrom().voidItem();
  }

  /** Drops windows nobody touched within their lifetime; call it now and then. */
  public synchronized void evictExpired() {
    long now = clock.millis();
    Iterator<Map.Entry<String, SortedWindow>> it = windows.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, SortedWindow> e = it.next();
      if (e.getValue().expiresAt <= now) {
        counters.remove(e.getKey());
        it.remove();
      }
    }
  }

  public synchronized int size() {
    return windows.size();
  }

  private long add(String key, String member, FailureQuery q, long cutoff) {
    SortedWindow w = window(key);
    w.add(member, q.atMs(), true);
    w.removeUpTo(cutoff);
    w.expiresAt = q.nowMs() + q.windowMs();
    return w.size();
  }

  private SortedWindow window(String key) {
    return windows.computeIfAbsent(key, k -> new SortedWindow());
  }

  /** A small sorted set: member → score, ordered by score, like a Redis ZSET. */
  static final class SortedWindow {
    private final Map<String, Long> scores = new HashMap<>();
    private final TreeMap<Long, Set<String>> byScore = new TreeMap<>();
    long expiresAt = Long.MAX_VALUE;

    void add(String member, long score, boolean onlyIfGreater) {
      Long previous = scores.get(member);
      if (previous != null) {
        if (onlyIfGreater && previous >= score) {
          return;
        }
        remove(member, previous);
      }
      scores.put(member, score);
      byScore.computeIfAbsent(score, s -> new LinkedHashSet<>()).add(member);
    }

    void increment(String member) {
      long next = scores.getOrDefault(member, 0L) + 1;
      add(member, next, false);
    }

    void removeUpTo(long inclusive) {
      var head = byScore.headMap(inclusive, true);
      for (Set<String> members : head.values()) {
        members.forEach(scores::remove);
      }
      head.clear();
    }

    int size() {
      return scores.size();
    }

    boolean contains(String member) {
      return scores.containsKey(member);
    }

    /** Up to {@code max} members, in no particular order. */
    List<String> sample(int max) {
      return scores.keySet().stream().limit(max).toList();
    }

    long scoreAt(int index) {
      int i = 0;
      for (Map.Entry<Long, Set<String>> e : byScore.entrySet()) {
        i += e.getValue().size();
        if (i > index) {
          return e.getKey();
        }
      }
      throw new IndexOutOfBoundsException(index);
    }

    List<Long> scoresAfter(long exclusive) {
      List<Long> result = new ArrayList<>();
      byScore
          .tailMap(exclusive, false)
          .forEach((score, members) -> members.forEach(m -> result.add(score)));
      return result;
    }

    List<String> newestMembersSince(long inclusive, int max) {
      List<String> result = new ArrayList<>();
      for (Set<String> members : byScore.tailMap(inclusive, true).descendingMap().values()) {
        for (String m : members) {
          if (result.size() >= max) {
            return result;
          }
          result.add(m);
        }
      }
      return result;
    }

    List<WindowStats.Ranked> topByScore(int top) {
      return scores.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
          .limit(top)
          .map(e -> new WindowStats.Ranked(e.getKey(), e.getValue()))
          .toList();
    }

    private void remove(String member, long score) {
      Set<String> members = byScore.get(score);
      if (members != null) {
        members.remove(member);
        if (members.isEmpty()) {
          byScore.remove(score);
        }
      }
    }
  }
}
