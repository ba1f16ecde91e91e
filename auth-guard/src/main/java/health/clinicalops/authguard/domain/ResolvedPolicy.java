package health.clinicalops.authguard.domain;

import java.time.Duration;

/**
 * A policy as it applies right now: its settings, or an operator's (or auth-guard's relief)
 * override from the ops-state ConfigMap when one is active.
 */
public record ResolvedPolicy(
    String name, int limit, Duration window, int burst, Duration burstWindow, boolean overridden) {}
