package health.clinicalops.opskit.health;

import health.clinicalops.opskit.opsstate.OpsStateWatcher;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while this service follows the ops-state ConfigMap: a service that cannot see
 * maintenance or read-only mode must not take traffic. The current mode is shown as data, and so
 * are values of the ConfigMap that were ignored or replaced by their safe default ({@code
 * problems}).
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
    response
        .status(watching)
        .withData("namespace", watcher.namespace())
        .withData("mode", watcher.effectiveMode().wireValue())
        .withData("watching", watching);
    List<String> problems = watcher.current().problems();
    if (!problems.isEmpty()) {
      response.withData("problems", String.join("; ", problems));
    }
    return response.build();
  }
}
