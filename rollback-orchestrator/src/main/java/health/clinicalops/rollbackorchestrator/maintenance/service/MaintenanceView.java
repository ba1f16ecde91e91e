package health.clinicalops.rollbackorchestrator.maintenance.service;

import health.clinicalops.opskit.opsstate.Mode;
import health.clinicalops.opskit.opsstate.OpsState;
import java.time.Instant;

/**
 * The mode: {@code mode} is what is in force now (a leased mode whose lease ran out is normal),
 * {@code setMode} what the ConfigMap says.
 */
public record MaintenanceView(
    Mode mode,
    Mode setMode,
    String reason,
    String setBy,
    Instant since,
    Instant leaseExpiresAt,
    boolean inForce) {

  public static MaintenanceView of(OpsState state, Instant now) {
    var setting = state.modeSetting();
    return new MaintenanceView(
        state.effectiveMode(now),
        setting.mode(),
        setting.reason(),
        setting.setBy(),
        setting.since().orElse(null),
        setting.leaseExpiresAt().orElse(null),
        setting.isInForce(now));
  }
}
