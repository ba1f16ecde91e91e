package health.clinicalops.authguard.service;

import health.clinicalops.authguard.config.AuthGuardConfig;
import health.clinicalops.authguard.domain.ResolvedPolicy;
import health.clinicalops.opskit.opsstate.OpsState;
import health.clinicalops.opskit.opsstate.OpsStateWatcher;
import health.clinicalops.opskit.opsstate.RateLimitOverride;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a policy name ({@code AUTH}, {@code WRITE}, {@code WRITE.paid}) into the limits that apply
 * now: the settings, replaced by an active {@code ratelimit.override.<POLICY>} from the ops-state
 * ConfigMap (the full name first, then the base policy). The configured policies and tiers are
 * resolved once at start; callers name policies, so an unknown name is never remembered.
 */
@ApplicationScoped
public class PolicyResolver {

  private final AuthGuardConfig config;
  private final OpsStateWatcher opsState;
  private final Clock clock;
  private final Map<String, ResolvedPolicy> configured;

  PolicyResolver(AuthGuardConfig config, OpsStateWatcher opsState, Clock clock) {
    this.config = config;
    this.opsState = opsState;
    this.clock = clock;
    Map<String, ResolvedPolicy> resolved = new HashMap<>();
    names().forEach(name -> fromSettings(name).ifPresent(p -> resolved.put(name, p)));
    this.configured = Map.copyOf(resolved);
  }

  /** The policy in force, or empty when no such policy (or tier) is configured. */
  public Optional<ResolvedPolicy> resolve(String name) {
    Optional<ResolvedPolicy> base = configured(name);
    if (base.isEmpty()) {
      return base;
    }
    ResolvedPolicy policy = base.get();
    OpsState state = opsState.current();
    if (state.rateLimitOverrides().isEmpty()) {
      return base;
    }
    Instant now = clock.instant();
    Optional<RateLimitOverride> override = state.activeOverride(name, now);
    int dot = name.indexOf('.');
    if (override.isEmpty() && dot > 0) {
      override = state.activeOverride(name.substring(0, dot), now);
    }
    return Optional.of(
        override
            .map(
                o ->
                    new ResolvedPolicy(
                        policy.name(),
                        o.max(),
                        o.window(),
                        policy.burst() >= policy.limit()
                            ? o.max()
                            : Math.min(policy.burst(), o.max()),
                        policy.burstWindow(),
                        true))
            .orElse(policy));
  }

  /** The configured policy, without overrides. */
  public Optional<ResolvedPolicy> configured(String name) {
    return Optional.ofNullable(configured.get(name));
  }

  /** How many policies are held. */
  int cachedPolicies() {
    return configured.size();
  }

  /** Every configured policy and tier name. */
  public Set<String> names() {
    Set<String> names = new TreeSet<>();
    config
        .policies()
        .forEach(
            (name, policy) -> {
              names.add(name);
              policy.tiers().keySet().forEach(t -> names.add(name + "." + t));
            });
    return names;
  }

  private Optional<ResolvedPolicy> fromSettings(String name) {
    int dot = name.indexOf('.');
    String baseName = dot > 0 ? name.substring(0, dot) : name;
    AuthGuardConfig.Policy policy = config.policies().get(baseName);
    if (policy == null) {
      return Optional.empty();
    }
    int limit = policy.limit();
    Optional<Integer> burst = policy.burst();
    if (dot > 0) {
      AuthGuardConfig.Tier tier = policy.tiers().get(name.substring(dot + 1));
      if (tier == null) {
        return Optional.empty();
      }
      limit = tier.limit();
      burst = tier.burst().or(() -> policy.burst());
    }
    Duration window = policy.window();
    int effectiveBurst = Math.min(limit, burst.orElse(limit));
    return Optional.of(
        new ResolvedPolicy(
            name, limit, window, Math.max(1, effectiveBurst), policy.burstWindow(), false));
  }
}
