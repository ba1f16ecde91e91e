package health.clinicalops.rollbackorchestrator.maintenance.service;

import health.clinicalops.opskit.opsstate.DatabaseTarget;
import health.clinicalops.opskit.opsstate.OpsState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The ops-state ConfigMap for the app: the mode in force, the database target, overrides. */
public record OpsStateView(
    MaintenanceView mode,
    DatabaseTarget databaseTarget,
    Map<String, String> activeRateLimitOverrides,
    Map<String, String> data,
    List<String> problems) {

  public static OpsStateView of(OpsState state, Instant now) {
    Map<String, String> overrides = new TreeMap<>();
    state
        .rateLimitOverrides()
        .forEach(
            (policy, override) -> {
              if (override.isActive(now)) {
                overrides.put(policy, override.toWire());
              }
            });
    return new OpsStateView(
        MaintenanceView.of(state, now),
        state.databaseTarget(),
        overrides,
        new TreeMap<>(state.data()),
        state.problems());
  }
}
