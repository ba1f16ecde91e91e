package health.clinicalops.errorwatch.health;

import health.clinicalops.errorwatch.service.DeploymentWatcher;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness data: whether deploys are being learned from the cluster. Ingest and alerting work
 * without it (deploys can be announced by API), so it reports UP with the fact as data.
 */
@Readiness
@ApplicationScoped
public class DeploymentWatchHealthCheck implements HealthCheck {

  private final DeploymentWatcher watcher;

  DeploymentWatchHealthCheck(DeploymentWatcher watcher) {
    this.watcher = watcher;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("error-watch-deploy-watch")
        .up()
        .withData("watchingDeployments", watcher.watching())
        .build();
  }
}
