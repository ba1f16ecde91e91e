package health.clinicalops.rollbackorchestrator.health;

import health.clinicalops.opskit.opsstate.OpsStateFreshness;
import health.clinicalops.opskit.opsstate.OpsStateWatcher;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness of a controller: DOWN only when the ops-state informer has stopped for good, which a
 * restart fixes and nothing else does (fabric8's {@code SharedIndexInformer#stopped()} completed
 * while the watcher still runs; {@link OpsStateWatcher#hasStoppedForGood()}).
 *
 * <p>A watch that reconnects, or a cluster API that cannot be reached, is never a reason: a restart
 * would not bring the API back, and the new pod would have no ops state at all (not ready until it
 * syncs) where this one enforces the last known state and goes on recording incidents, possibly in
 * the middle of a rollback. fabric8 tells the two apart: a reconnecting informer is {@code
 * isRunning()} with {@code isWatching()} false; a stopped one is not running. Since ops-kit's
 * watcher retries every failure, fabric8 (7.5) does not stop the informer on one; this check is a
 * safety net for an informer that stopped anyway. A dead executor that silently drops the
 * informer's tasks cannot be told from a long outage through fabric8's API, so it is not covered.
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
    OpsStateFreshness freshness = watcher.freshness();
    return HealthCheckResponse.named("ops-state-informer")
        .status(!freshness.stoppedForGood())
        .withData("synced", freshness.synced())
        .withData("watching", freshness.watching())
        .withData("stoppedForGood", freshness.stoppedForGood())
        .build();
  }
}
