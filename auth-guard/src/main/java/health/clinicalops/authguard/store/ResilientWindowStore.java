package health.clinicalops.authguard.store;

import health.clinicalops.authguard.config.AuthGuardConfig;
import health.clinicalops.authguard.service.AuthGuardMetrics;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The outbound edge to Redis with its fallback: every operation goes to Redis while it answers
 * within {@code clinicalops.auth-guard.redis.timeout}; on the first failure this pod switches to
 * its own {@link LocalWindowStore} (per-pod limits), counts every decision taken there in {@code
 * clinicalops_auth_guard_fallbacks_total}, and probes Redis every {@code
 * clinicalops.auth-guard.redis.probe-interval} until it answers again, then switches back by
 * itself. While in fallback no request waits for Redis.
 */
@ApplicationScoped
@Startup
public class ResilientWindowStore implements WindowStore {

  private static final Logger LOG = Logger.getLogger(ResilientWindowStore.class);

  private final WindowStore redis;
  private final LocalWindowStore local;
  private final Duration timeout;
  private final AuthGuardMetrics metrics;
  private final AtomicLong fallbacks = new AtomicLong();
  private final Clock clock;
  private volatile boolean redisAvailable = true;
  private volatile Instant fallbackSince;
  private volatile String lastError;
  private volatile boolean warmedUp;

  @Inject
  ResilientWindowStore(
      RedisWindowStore redis, AuthGuardConfig config, AuthGuardMetrics metrics, Clock clock) {
    this(redis, new LocalWindowStore(clock), config, metrics, clock);
  }

  /** A second, independent instance (own fallback, own state) over the same Redis. */
  public ResilientWindowStore(
      WindowStore redis,
      LocalWindowStore local,
      AuthGuardConfig config,
      AuthGuardMetrics metrics,
      Clock clock) {
    this.redis = redis;
    this.local = local;
    this.timeout = config.redis().timeout();
    this.metrics = metrics;
    this.clock = clock;
    metrics.redisFallbackActive(this);
  }

  /**
   * The background work: the first run connects (and fails over, if Redis is not there) before the
   * first request pays for it; later runs evict idle local windows and, in fallback, probe Redis.
   */
  @Scheduled(
      every = "${clinicalops.auth-guard.redis.probe-interval:1s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void probeInBackground() {
    if (!warmedUp) {
      warmedUp = true;
      warmUp();
      return;
    }
    probe();
  }

  @Override
  public Uni<RateCount> acquire(RateQuery query) {
    return call("rate-limit", s -> s.acquire(query));
  }

  @Override
  public Uni<FailureCounts> recordFailure(FailureQuery query) {
    return call("auth-failure", s -> s.recordFailure(query));
  }

  @Override
  public Uni<List<String>> recentMembers(String key, long sinceMs, int max) {
    return call("evidence", s -> s.recentMembers(key, sinceMs, max));
  }

  @Override
  public Uni<WindowStats> windowStats(WindowStatsKeys keys, WindowStatsKeys previous, int top) {
    return call("window-stats", s -> s.windowStats(keys, previous, top));
  }

  @Override
  public Uni<Void> ping() {
    return redis.ping();
  }

  public boolean inFallback() {
    return !redisAvailable;
  }

  /** How many operations this pod answered from its own memory since it started. */
  public long fallbackCount() {
    return fallbacks.get();
  }

  public Instant fallbackSince() {
    return fallbackSince;
  }

  public String lastError() {
    return lastError;
  }

  private <T> Uni<T> call(String operation, Function<WindowStore, Uni<T>> op) {
    if (!redisAvailable) {
      return fromLocal(operation, op);
    }
    return Uni.createFrom()
        .deferred(() -> op.apply(redis))
        .ifNoItem()
        .after(timeout)
        .fail()
        .onFailure()
        .recoverWithUni(
            e -> {
              enterFallback(e);
              return fromLocal(operation, op);
            });
  }

  private <T> Uni<T> fromLocal(String operation, Function<WindowStore, Uni<T>> op) {
    fallbacks.incrementAndGet();
    metrics.fallback(operation);
    return op.apply(local);
  }

  private void enterFallback(Throwable cause) {
    lastError = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    if (redisAvailable) {
      synchronized (this) {
        if (redisAvailable) {
          redisAvailable = false;
          fallbackSince = clock.instant();
          LOG.warnf("Redis lost (%s): deciding from this pod's own limits", lastError);
        }
      }
    }
  }

  private void warmUp() {
    try {
      redis.ping().await().atMost(timeout.multipliedBy(4));
    } catch (RuntimeException e) {
      enterFallback(e);
    }
  }

  private void probe() {
    try {
      local.evictExpired();
      if (redisAvailable) {
        return;
      }
      redis.ping().await().atMost(timeout.multipliedBy(4));
      synchronized (this) {
        redisAvailable = true;
        LOG.infof(
            "Redis is back after fallback since %s: shared limits apply again", fallbackSince);
        fallbackSince = null;
      }
    } catch (RuntimeException e) {
      lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }
}
