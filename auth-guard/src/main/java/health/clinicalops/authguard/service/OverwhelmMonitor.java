package health.clinicalops.authguard.service;

import health.clinicalops.authguard.config.AuthGuardConfig;
import health.clinicalops.authguard.domain.ResolvedPolicy;
import health.clinicalops.authguard.store.ResilientWindowStore;
import health.clinicalops.authguard.store.StoreKeys;
import health.clinicalops.authguard.store.WindowStats;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.RateLimitStormEvidence;
import health.clinicalops.opskit.journal.RunbookIncident;
import health.clinicalops.opskit.journal.RunbookJournal;
import health.clinicalops.opskit.opsstate.OpsStateWatcher;
import health.clinicalops.opskit.opsstate.OpsStateWriter;
import health.clinicalops.opskit.opsstate.RateLimitOverride;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The "Rate Limit Overwhelmed" runbook: after each statistics window, for every policy, compares
 * the clients that got a 429 with all active clients (shared in Redis by all replicas). At 90%
 * (setting) it opens a P3 incident answering the runbook's questions: which endpoint and policy
 * (step 1), and abuse (the 429s concentrate on few keys) or a legitimate spike (many keys) (step
 * 2). For a spike it can apply temporary relief (step 3) through {@code
 * ratelimit.override.<POLICY>}, off by default.
 */
@ApplicationScoped
public class OverwhelmMonitor {

  private static final Logger LOG = Logger.getLogger(OverwhelmMonitor.class);
  private static final int TOP = 5;

  private final AuthGuardConfig config;
  private final ResilientWindowStore store;
  private final RateLimitService rateLimits;
  private final PolicyResolver policies;
  private final RunbookJournal journal;
  private final OpsStateWriter opsStateWriter;
  private final OpsStateWatcher opsState;
  private final AuthGuardMetrics metrics;
  private final Clock clock;
  private final Map<String, Long> lastEvaluatedBucket = new ConcurrentHashMap<>();
  private final Map<String, Verdict> lastVerdicts = new ConcurrentHashMap<>();
  private final OverwhelmRule rule;

  OverwhelmMonitor(
      AuthGuardConfig config,
      ResilientWindowStore store,
      RateLimitService rateLimits,
      PolicyResolver policies,
      RunbookJournal journal,
      OpsStateWriter opsStateWriter,
      OpsStateWatcher opsState,
      AuthGuardMetrics metrics,
      Clock clock) {
    this.config = config;
    this.store = store;
    this.rateLimits = rateLimits;
    this.policies = policies;
    this.journal = journal;
    this.opsStateWriter = opsStateWriter;
    this.opsState = opsState;
    this.metrics = metrics;
    this.clock = clock;
    this.rule = new OverwhelmRule(OverwhelmRule.Thresholds.of(config.overwhelmed()));
  }

  /** The judgement of one policy's window. */
  public record Verdict(
      String policy,
      Instant windowStart,
      Instant windowEnd,
      long activeClients,
      long limitedClients,
      double limitedShare,
      long denials,
      String verdict,
      List<WindowStats.Ranked> topKeys,
      List<WindowStats.Ranked> topEndpoints,
      boolean overwhelmed,
      boolean reliefApplied) {}

  /** The last judgement per policy (for operators). */
  public Map<String, Verdict> lastVerdicts() {
    return Map.copyOf(lastVerdicts);
  }

  // Every second, the scheduler's resolution: a window is judged within a second of its end (it was
  // within a quarter of a window), each window once; a tick with no window completed asks nothing.
  @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void evaluateSafely() {
    try {
      evaluateCompletedWindows();
    } catch (RuntimeException e) {
      LOG.warnf("rate-limit overwhelmed check failed: %s", e.getMessage());
    }
  }

  /** Judges the last completed window of every policy not yet judged. */
  void evaluateCompletedWindows() {
    long windowMs = config.overwhelmed().window().toMillis();
    long completed = rateLimits.statsBucket(clock.millis()) - 1;
    Set<String> names = new TreeSet<>(policies.names());
    names.addAll(rateLimits.policiesSeen());
    for (String policy : names) {
      Long last = lastEvaluatedBucket.get(policy);
      if (last != null && last >= completed) {
        continue;
      }
      lastEvaluatedBucket.put(policy, completed);
      WindowStats stats =
          store
              .windowStats(
                  StoreKeys.windowStats(policy, completed),
                  StoreKeys.windowStats(policy, completed - 1),
                  TOP)
              .await()
              .atMost(Duration.ofSeconds(2));
      if (stats.activeClients() == 0) {
        continue;
      }
      judge(
          policy,
          Instant.ofEpochMilli(completed * windowMs),
          Instant.ofEpochMilli((completed + 1) * windowMs),
          stats);
    }
  }

  private void judge(String policy, Instant start, Instant end, WindowStats stats) {
    AuthGuardConfig.Overwhelmed settings = config.overwhelmed();
    OverwhelmRule.Judgement judgement = rule.judge(stats);
    double share = judgement.limitedShare();
    boolean abuse = judgement.abuse();
    String verdict = judgement.verdict();
    boolean overwhelmed = judgement.overwhelmed();
    boolean relief = false;
    if (overwhelmed) {
      metrics.overwhelmed(policy, verdict);
      Optional<String> withheld = abuse ? Optional.empty() : reliefWithheld(policy, stats);
      relief = !abuse && settings.relief().enabled() && withheld.isEmpty() && applyRelief(policy);
      report(policy, start, end, stats, share, verdict, relief, withheld);
    }
    lastVerdicts.put(
        policy,
        new Verdict(
            policy,
            start,
            end,
            stats.activeClients(),
            stats.limitedClients(),
            share,
            stats.denials(),
            verdict,
            stats.topKeys(),
            stats.topEndpoints(),
            overwhelmed,
            relief));
  }

  /** Why a legitimate-looking spike gets no automatic relief, if it does not. */
  private Optional<String> reliefWithheld(String policy, WindowStats stats) {
    AuthGuardConfig.Overwhelmed.Relief relief = config.overwhelmed().relief();
    if (!relief.enabled()) {
      return Optional.empty();
    }
    if (relief.excludedPolicies().contains(policy)) {
      metrics.reliefWithheld(policy, "excluded-policy");
      return Optional.of(policy + " is never raised automatically (relief.excluded-policies)");
    }
    if (stats.returningShare() < relief.minReturningShare()) {
      metrics.reliefWithheld(policy, "new-clients");
      return Optional.of(
          String.format(
              "only %d of %d sampled limited clients were active before the spike (below %.0f%%):"
                  + " new keys may be one attacker with many addresses",
              stats.returningInSample(), stats.sampledLimited(), 100 * relief.minReturningShare()));
    }
    return Optional.empty();
  }

  private boolean applyRelief(String policy) {
    if (opsState.current().activeOverride(policy, clock.instant()).isPresent()) {
      return false;
    }
    ResolvedPolicy configured = policies.configured(policy).orElse(null);
    if (configured == null) {
      return false;
    }
    AuthGuardConfig.Overwhelmed.Relief relief = config.overwhelmed().relief();
    int raised = (int) Math.ceil(configured.limit() * relief.factor());
    Instant expiresAt = clock.instant().plus(relief.duration());
    RateLimitOverride override =
        new RateLimitOverride(policy, raised, configured.window(), expiresAt);
    try {
      opsStateWriter.putRateLimitOverride(override);
    } catch (RuntimeException e) {
      LOG.warnf("cannot apply relief for %s: %s", policy, e.getMessage());
      return false;
    }
    journal.record(
        "ratelimit.relief.applied",
        policy + " raised from " + configured.limit() + " to " + raised + " until " + expiresAt,
        Map.of(
            "policy", policy,
            "override", override.toWire(),
            "previousLimit", configured.limit(),
            "expiresAt", expiresAt.toString()));
    return true;
  }

  private void report(
      String policy,
      Instant start,
      Instant end,
      WindowStats stats,
      double share,
      String verdict,
      boolean relief,
      Optional<String> reliefWithheld) {
    RateLimitStormEvidence evidence =
        new RateLimitStormEvidence(
            policy,
            start,
            end,
            stats.activeClients(),
            stats.limitedClients(),
            Math.round(share * 1000) / 1000.0,
            stats.denials(),
            verdict,
            stats.sampledLimited(),
            stats.returningInSample(),
            stats.topEndpoints().stream()
                .map(r -> new RateLimitStormEvidence.EndpointCount(r.name(), r.count()))
                .toList(),
            stats.topKeys().stream()
                .map(r -> new RateLimitStormEvidence.KeyCount(r.name(), r.count()))
                .toList());
    String endpoint =
        stats.topEndpoints().isEmpty() ? "(unspecified)" : stats.topEndpoints().get(0).name();
    RunbookIncident incident =
        journal.incident(
            journal.dedupKey("rate-limit-overwhelmed", policy),
            Severity.P3,
            "Rate limit overwhelmed: "
                + policy
                + " on "
                + endpoint
                + " ("
                + verdict
                + ", "
                + stats.limitedClients()
                + "/"
                + stats.activeClients()
                + " clients limited)",
            evidence);
    String step =
        "abuse".equals(verdict)
            ? "likely abuse: the 429s concentrate on "
                + stats.topKeys().stream()
                    .limit(config.overwhelmed().abuseMaxKeys())
                    .map(WindowStats.Ranked::name)
                    .toList()
                + "; limits kept"
            : relief
                ? "legitimate spike: relief applied, "
                    + policy
                    + " raised by x"
                    + config.overwhelmed().relief().factor()
                    + " until "
                    + clock.instant().plus(config.overwhelmed().relief().duration())
                : reliefWithheld
                    .map(why -> "legitimate spike by the numbers, limits kept: " + why)
                    .orElse(
                        "legitimate spike: many keys limited; consider raising the limit (relief"
                            + " is off)");
    incident.stepWarning("rate-limit.overwhelmed", step, Map.of("policy", policy));
  }
}
