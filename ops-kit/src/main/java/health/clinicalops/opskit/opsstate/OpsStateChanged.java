package health.clinicalops.opskit.opsstate;

/**
 * CDI event fired whenever the ops state a service must act on changes: the ConfigMap itself, or
 * the effective mode because a lease ran out. Observe it with {@code @Observes OpsStateChanged}.
 */
public record OpsStateChanged(OpsState previous, OpsState current, Mode effectiveMode) {}
