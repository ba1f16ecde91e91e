package health.clinicalops.authguard.service;

import health.clinicalops.authguard.config.AuthGuardConfig;
import health.clinicalops.authguard.domain.IpAddresses;
import health.clinicalops.authguard.domain.IpBlock;
import health.clinicalops.authguard.domain.RateLimitDecision;
import health.clinicalops.authguard.domain.RateLimitRequest;
import health.clinicalops.authguard.domain.ResolvedPolicy;
import health.clinicalops.authguard.store.RateQuery;
import health.clinicalops.authguard.store.ResilientWindowStore;
import health.clinicalops.authguard.store.StoreKeys;
import health.clinicalops.opskit.dryrun.DryRun;
import health.clinicalops.opskit.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rate-limit decision (runbook step 2, "isRateLimited() should return 429"): a blocked source
 * is refused from memory; otherwise one atomic Redis script (sliding-window log) decides. No
 * database work and no blocking on the way.
 */
@ApplicationScoped
public class RateLimitService {

  private final PolicyResolver policies;
  private final BlockListService blocks;
  private final ResilientWindowStore store;
  private final AuthGuardMetrics metrics;
  private final AuthGuardConfig config;
  private final DryRun dryRun;
  private final Clock clock;
  private final String instanceId = UUID.randomUUID().toString().substring(0, 8);
  private final AtomicLong sequence = new AtomicLong();
  private final Set<String> policiesSeen = ConcurrentHashMap.newKeySet();

  RateLimitService(
      PolicyResolver policies,
      BlockListService blocks,
      ResilientWindowStore store,
      AuthGuardMetrics metrics,
      AuthGuardConfig config,
      DryRun dryRun,
      Clock clock) {
    this.policies = policies;
    this.blocks = blocks;
    this.store = store;
    this.metrics = metrics;
    this.config = config;
    this.dryRun = dryRun;
    this.clock = clock;
  }

  /** Decides; fails with 429 (limited) or 403 (blocked source) problems unless in dry run. */
  public Uni<RateLimitDecision> check(@Valid @NotNull RateLimitRequest request) {
    ResolvedPolicy policy =
        policies
            .resolve(request.policy())
            .orElseThrow(
                () ->
                    ProblemException.badRequest(
                        "unknown policy '"
                            + request.policy()
                            + "'; configured: "
                            + policies.names()));
    policiesSeen.add(policy.name());
    boolean dryRun = this.dryRun.enabled();
    Optional<IpBlock> block = blockOf(request);
    if (block.isPresent() && block.get().enforcedAt(clock.instant())) {
      IpBlock b = block.get();
      if (!dryRun) {
        metrics.decision("blocked", policy.name());
        Duration retry = Duration.between(clock.instant(), b.expiresAt());
        throw new ProblemException(
            403,
            "source-blocked",
            "Source blocked",
            "requests from " + b.ip() + " are blocked until " + b.expiresAt() + ": " + b.reason(),
            Optional.of(retry));
      }
      metrics.decision("shadow-blocked", policy.name());
    }
    RateQuery query = query(request, policy);
    return store
        .acquire(query)
        .map(
            count -> {
              boolean fallback = store.inFallback();
              if (count.allowed()) {
                metrics.decision("allowed", policy.name());
                return decision(policy, count.remaining(), count.resetAtMs(), true, fallback, null);
              }
              Duration retryAfter =
                  Duration.ofMillis(Math.max(1, count.retryAtMs() - count.nowMs()));
              if (dryRun) {
                metrics.decision("shadow-limited", policy.name());
                return decision(policy, 0, count.resetAtMs(), true, fallback, Boolean.TRUE);
              }
              metrics.decision("limited", policy.name());
              throw ProblemException.tooManyRequests(
                  "rate limit "
                      + policy.name()
                      + " ("
                      + policy.limit()
                      + " per "
                      + policy.window()
                      + ") reached for this key; retry after "
                      + Instant.ofEpochMilli(count.retryAtMs()),
                  retryAfter);
            });
  }

  /** The policy names this replica has decided on (for the overwhelmed check). */
  public Set<String> policiesSeen() {
    return policiesSeen;
  }

  /** The statistics bucket (window index) of the "Rate Limit Overwhelmed" check at a time. */
  public long statsBucket(long epochMillis) {
    return epochMillis / config.overwhelmed().window().toMillis();
  }

  private RateQuery query(RateLimitRequest request, ResolvedPolicy policy) {
    long statsWindow = config.overwhelmed().window().toMillis();
    return new RateQuery(
        StoreKeys.rateLog(policy.name(), clientKey(request.key())),
        StoreKeys.windowStats(policy.name(), statsBucket(clock.millis())),
        policy.limit(),
        policy.window().toMillis(),
        policy.burst(),
        policy.burstWindow().toMillis(),
        instanceId + ":" + sequence.incrementAndGet(),
        clientKey(request.key()),
        request.endpoint() == null ? "(unspecified)" : request.endpoint(),
        statsWindow * 3);
  }

  /** A key that is an IP address is counted as its client (an IPv6 address per network). */
  private String clientKey(String key) {
    return IpAddresses.parse(key).map(blocks::clientKey).orElse(key);
  }

  private Optional<IpBlock> blockOf(RateLimitRequest request) {
    String source = request.ip() != null ? request.ip() : request.key();
    if (request.ip() != null) {
      String ip =
          IpAddresses.parse(request.ip())
              .map(blocks::clientKey)
              .orElseThrow(
                  () -> ProblemException.badRequest("ip: not a valid IPv4 or IPv6 address"));
      return blocks.openBlock(ip);
    }
    return IpAddresses.parse(source).map(blocks::clientKey).flatMap(blocks::openBlock);
  }

  private static RateLimitDecision decision(
      ResolvedPolicy policy,
      int remaining,
      long resetAtMs,
      boolean allowed,
      boolean fallback,
      Boolean shadowRefused) {
    return new RateLimitDecision(
        allowed,
        remaining,
        Instant.ofEpochMilli(resetAtMs),
        policy.name(),
        policy.limit(),
        policy.window().toSeconds(),
        fallback,
        shadowRefused);
  }
}
