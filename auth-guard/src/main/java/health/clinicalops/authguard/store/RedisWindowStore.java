package health.clinicalops.authguard.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The shared windows in Redis. Each operation is one Lua script (atomic on the server, so the
 * limits hold across replicas) sent as EVALSHA, and re-sent with its source when Redis answers
 * NOSCRIPT (after a restart, its script cache is empty).
 */
@ApplicationScoped
public class RedisWindowStore implements WindowStore {

  private static final Script ACQUIRE = Script.load("acquire.lua");
  private static final Script RECORD_FAILURE = Script.load("record-failure.lua");
  private static final Script WINDOW_STATS = Script.load("window-stats.lua");

  private final RedisAPI redis;

  public RedisWindowStore(RedisAPI redis) {
    this.redis = redis;
  }

  @Override
  public Uni<RateCount> acquire(RateQuery q) {
    WindowStatsKeys s = q.statsKeys();
    List<String> keys = List.of(q.logKey(), s.active(), s.limited(), s.endpoints(), s.denials());
    List<String> args =
        List.of(
            Integer.toString(q.limit()),
            Long.toString(q.windowMs()),
            Integer.toString(q.burst()),
            Long.toString(q.burstWindowMs()),
            q.member(),
            q.clientKey(),
            q.endpoint(),
            Long.toString(q.statsTtlMs()));
    return run(ACQUIRE, keys, args)
        .map(
            r ->
                new RateCount(
                    r.get(0).toLong() == 1L,
                    r.get(1).toInteger(),
                    r.get(2).toLong(),
                    r.get(3).toLong(),
                    r.get(4).toLong()));
  }

  @Override
  public Uni<FailureCounts> recordFailure(FailureQuery q) {
    List<String> args =
        List.of(
            Long.toString(q.nowMs()),
            Long.toString(q.atMs()),
            Long.toString(q.windowMs()),
            q.member(),
            q.username(),
            q.ip(),
            q.fingerprint(),
            Integer.toString(q.commonPasswordMinAccounts()));
    return run(RECORD_FAILURE, q.keys().asList(), args)
        .map(
            r ->
                new FailureCounts(
                    r.get(0).toLong(),
                    r.get(1).toLong(),
                    r.get(2).toLong(),
                    r.get(3).toLong(),
                    r.get(4).toLong(),
                    r.get(5).toLong(),
                    r.get(6).toLong(),
                    r.get(7).toLong(),
                    r.get(8).toLong()));
  }

  @Override
  public Uni<List<String>> recentMembers(String key, long sinceMs, int max) {
    return redis
        .zrevrangebyscore(
            List.of(key, "+inf", Long.toString(sinceMs), "LIMIT", "0", Integer.toString(max)))
        .map(
            r -> {
              List<String> members = new ArrayList<>();
              if (r != null) {
                for (Response m : r) {
                  members.add(m.toString());
                }
              }
              return members;
            });
  }

  @Override
  public Uni<WindowStats> windowStats(WindowStatsKeys k, WindowStatsKeys previous, int top) {
    return run(
            WINDOW_STATS,
            List.of(k.active(), k.limited(), k.endpoints(), k.denials(), previous.active()),
            List.of(Integer.toString(top), Integer.toString(WindowStats.SAMPLE)))
        .map(
            r ->
                new WindowStats(
                    r.get(0).toLong(),
                    r.get(1).toLong(),
                    r.get(2).toLong(),
                    ranked(r.get(3)),
                    ranked(r.get(4)),
                    r.get(5).toLong(),
                    r.get(6).toLong()));
  }

  @Override
  public Uni<Void> ping() {
    return redis.ping(List.of()).replaceWithVoid();
  }

  private static List<WindowStats.Ranked> ranked(Response pairs) {
    List<WindowStats.Ranked> ranked = new ArrayList<>();
    if (pairs == null) {
      return ranked;
    }
    for (int i = 0; i + 1 < pairs.size(); i += 2) {
      ranked.add(
          new WindowStats.Ranked(
              pairs.get(i).toString(), (long) Double.parseDouble(pairs.get(i + 1).toString())));
    }
    return ranked;
  }

  private Uni<Response> run(Script script, List<String> keys, List<String> args) {
    List<String> shaCall = new ArrayList<>(keys.size() + args.size() + 2);
    shaCall.add(script.sha());
    shaCall.add(Integer.toString(keys.size()));
    shaCall.addAll(keys);
    shaCall.addAll(args);
    return redis
        .evalsha(shaCall)
        .onFailure(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT"))
        .recoverWithUni(
            () -> {
              List<String> evalCall = new ArrayList<>(shaCall);
              evalCall.set(0, script.source());
              return redis.eval(evalCall);
            });
  }

  /** A Lua script from the class path and its SHA-1, the name Redis caches it under. */
  record Script(String source, String sha) {
    static Script load(String name) {
      try (InputStream in = RedisWindowStore.class.getResourceAsStream("/redis/" + name)) {
        if (in == null) {
          throw new IllegalStateException("missing script /redis/" + name);
        }
        String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        byte[] digest =
            MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
        return new Script(source, HexFormat.of().formatHex(digest));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
