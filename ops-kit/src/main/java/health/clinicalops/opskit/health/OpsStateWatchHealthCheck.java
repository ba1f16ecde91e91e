package health.clinicalops.opskit.health;

import health.clinicalops.opskit.opsstate.OpsStateWatcher;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while this service follows the ops-state ConfigMap: a service that cannot see
 * maintenance or read-only mode must not take traffic. The current mode is shown as data.
 */
@Readiness
@ApplicationScoped
public class OpsStateWatchHealthCheck implements HealthCheck {

  private final OpsStateWatcher watcher;

  OpsStateWatchHealthCheck(OpsStateWatcher watcher) {
    this.watcher = watcher;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("ops-state");
    if (!watcher.isEnabled()) {
      return response.up().withData("watch", "disabled").build();
    }
    boolean watching = watcher.isWatching() && watcher.hasSynced();
    return response
        .status(watching)
        .withData("namespace", watcher.namespace())
        .withData("mode", watcher.effectiveMode().wireValue())
        .withData("watching", watching)
        .build();
  }
}
