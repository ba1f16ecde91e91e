package health.clinicalops.rollbackorchestrator.health;

import health.clinicalops.opskit.opsstate.OpsStateWatcher;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness of a controller: its informer runs. A watcher that stopped (not merely reconnecting) is
 * a process a restart fixes.
 */
@Liveness
@ApplicationScoped
public class InformerLivenessCheck implements HealthCheck {

  private final OpsStateWatcher watcher;

  InformerLivenessCheck(OpsStateWatcher watcher) {
    this.watcher = watcher;
  }

  @Override
  public HealthCheckResponse call() {
    if (!watcher.isEnabled()) {
      return HealthCheckResponse.named("ops-state-informer")
          .up()
          .withData("watch", "disabled")
          .build();
    }
    boolean synced = watcher.hasSynced();
    boolean watching = watcher.isWatching();
    // Before the first sync the informer is still retrying: not a reason to restart the pod.
    return HealthCheckResponse.named("ops-state-informer")
        .status(watching || !synced)
        .withData("synced", synced)
        .withData("watching", watching)
        .build();
  }
}
