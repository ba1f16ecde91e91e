package health.clinicalops.authguard.service;

import health.clinicalops.authguard.store.ResilientWindowStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * auth-guard's meters (Prometheus names {@code clinicalops_auth_guard_*}). Counters are registered
 * once per tag set and cached, so the hot path only increments.
 */
@ApplicationScoped
public class AuthGuardMetrics {

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final List<Meter> meters = new CopyOnWriteArrayList<>();

  /** Public for a second, independent window store in tests (its own registry). */
  public AuthGuardMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Removes this instance's meters: the registry may outlive the application (tests restart it in
   * one JVM), and a gauge left behind would keep reading the stopped application's store.
   */
  @PreDestroy
  void removeMeters() {
    meters.forEach(registry::remove);
    meters.clear();
    counters.clear();
  }

  /** A rate-limit decision: outcome allowed, limited, blocked, shadow-limited or shadow-blocked. */
  public void decision(String outcome, String policy) {
    counter(
            "clinicalops_auth_guard_decisions_total",
            "Rate-limit decisions by outcome and policy",
            "outcome",
            outcome,
            "policy",
            policy)
        .increment();
  }

  /** A sign-in event by outcome (success or failure). */
  public void authEvent(String outcome) {
    counter(
            "clinicalops_auth_guard_auth_events_total",
            "Sign-in events received, by outcome",
            "outcome",
            outcome,
            "kind",
            "sign-in")
        .increment();
    if ("failure".equals(outcome)) {
      counter(
              "clinicalops_auth_guard_failures_total",
              "Failed sign-ins reported by the app",
              "kind",
              "sign-in",
              "source",
              "app")
          .increment();
    }
  }

  public void rejectedEvent() {
    counter(
            "clinicalops_auth_guard_rejected_events_total",
            "Sign-in event lines rejected (invalid or not recorded)",
            "reason",
            "invalid",
            "kind",
            "sign-in")
        .increment();
  }

  /** A block: origin automatic or operator; shadow true when not enforced. */
  public void block(String origin, boolean shadow) {
    counter(
            "clinicalops_auth_guard_blocks_total",
            "IP blocks placed, by origin; shadow=true when only recorded, not enforced",
            "origin",
            origin,
            "shadow",
            Boolean.toString(shadow))
        .increment();
  }

  public void unblock() {
    counter(
            "clinicalops_auth_guard_unblocks_total",
            "IP blocks lifted by an operator",
            "origin",
            "operator",
            "shadow",
            "false")
        .increment();
  }

  /** A newly classified attack. */
  public void attack(String attackClass) {
    counter(
            "clinicalops_auth_guard_attacks_total",
            "Sign-in attacks newly detected, by class",
            "class",
            attackClass,
            "kind",
            "sign-in")
        .increment();
  }

  public void revocation(String origin) {
    counter(
            "clinicalops_auth_guard_session_revocations_total",
            "Accounts whose refresh-token sessions were revoked, by origin",
            "origin",
            origin,
            "kind",
            "refresh-token")
        .increment();
  }

  /** An automatic session revocation not done: the cap per window was reached. */
  public void revocationCapped() {
    counter(
            "clinicalops_auth_guard_revocations_capped_total",
            "Automatic session revocations skipped because the cap per window was reached",
            "origin",
            "automatic",
            "kind",
            "refresh-token")
        .increment();
  }

  /** Rate-limit relief not applied, and why (excluded policy, no established clients). */
  public void reliefWithheld(String policy, String reason) {
    counter(
            "clinicalops_auth_guard_relief_withheld_total",
            "Rate-limit relief not applied during a 429 storm, by policy and reason",
            "policy",
            policy,
            "reason",
            reason)
        .increment();
  }

  public void overwhelmed(String policy, String verdict) {
    counter(
            "clinicalops_auth_guard_overwhelmed_total",
            "Statistics windows in which a policy was overwhelmed by 429s, by verdict",
            "policy",
            policy,
            "verdict",
            verdict)
        .increment();
  }

  /** An operation answered from the pod's own memory because Redis was lost. */
  public void fallback(String operation) {
    counter(
            "clinicalops_auth_guard_fallbacks_total",
            "Operations answered from this pod's memory while Redis was lost",
            "operation",
            operation)
        .increment();
  }

  /** Reports 1 while {@code store} decides from its own memory because Redis was lost. */
  public void redisFallbackActive(ResilientWindowStore store) {
    meters.add(
        Gauge.builder(
                "clinicalops_auth_guard_redis_fallback_active", store, s -> s.inFallback() ? 1 : 0)
            .description("1 while this pod decides from its own limits because Redis was lost")
            .register(registry));
  }

  private Counter counter(String name, String description, String k1, String v1) {
    String id = name + '|' + v1;
    Counter c = counters.get(id);
    return c != null ? c : register(id, Counter.builder(name).description(description).tag(k1, v1));
  }

  private Counter counter(
      String name, String description, String k1, String v1, String k2, String v2) {
    String id = name + '|' + v1 + '|' + v2;
    Counter c = counters.get(id);
    return c != null
        ? c
        : register(id, Counter.builder(name).description(description).tag(k1, v1).tag(k2, v2));
  }

  private Counter register(String id, Counter.Builder builder) {
    return counters.computeIfAbsent(
        id,
        x -> {
          Counter c = builder.register(registry);
          meters.add(c);
          return c;
        });
  }
}
