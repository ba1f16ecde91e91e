package health.clinicalops.authguard.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * auth-guard's counters (Prometheus names {@code clinicalops_auth_guard_*_total}). Counters are
 * looked up once per tag set and cached, so the hot path only increments.
 */
@ApplicationScoped
public class AuthGuardMetrics {

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  AuthGuardMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A rate-limit decision: outcome allowed, limited, blocked, shadow-limited or shadow-blocked. */
  public void decision(String outcome, String policy) {
    counter("clinicalops_auth_guard_decisions", "outcome", outcome, "policy", policy).increment();
  }

  /** A sign-in event by outcome (success or failure). */
  public void authEvent(String outcome) {
    counter("clinicalops_auth_guard_auth_events", "outcome", outcome, "kind", "sign-in")
        .increment();
    if ("failure".equals(outcome)) {
      counter("clinicalops_auth_guard_failures", "kind", "sign-in", "source", "app").increment();
    }
  }

  public void rejectedEvent() {
    counter("clinicalops_auth_guard_rejected_events", "reason", "invalid", "kind", "sign-in")
        .increment();
  }

  /** A block: origin automatic or operator; shadow true when not enforced. */
  public void block(String origin, boolean shadow) {
    counter("clinicalops_auth_guard_blocks", "origin", origin, "shadow", Boolean.toString(shadow))
        .increment();
  }

  public void unblock() {
    counter("clinicalops_auth_guard_unblocks", "origin", "operator", "shadow", "false").increment();
  }

  /** A newly classified attack. */
  public void attack(String attackClass) {
    counter("clinicalops_auth_guard_attacks", "class", attackClass, "kind", "sign-in").increment();
  }

  public void revocation(String origin) {
    counter("clinicalops_auth_guard_session_revocations", "origin", origin, "kind", "refresh-token")
        .increment();
  }

  /** An automatic session revocation not done: the cap per window was reached. */
  public void revocationCapped() {
    counter(
            "clinicalops_auth_guard_revocations_capped",
            "origin",
            "automatic",
            "kind",
            "refresh-token")
        .increment();
  }

  /** Rate-limit relief not applied, and why (excluded policy, no established clients). */
  public void reliefWithheld(String policy, String reason) {
    counter("clinicalops_auth_guard_relief_withheld", "policy", policy, "reason", reason)
        .increment();
  }

  public void overwhelmed(String policy, String verdict) {
    counter("clinicalops_auth_guard_overwhelmed", "policy", policy, "verdict", verdict).increment();
  }

  private Counter counter(String name, String k1, String v1, String k2, String v2) {
    String id = name + '|' + v1 + '|' + v2;
    Counter c = counters.get(id);
    if (c == null) {
      c =
          counters.computeIfAbsent(
              id, x -> Counter.builder(name).tag(k1, v1).tag(k2, v2).register(registry));
    }
    return c;
  }
}
