package health.clinicalops.opskit.health;

import health.clinicalops.opskit.opsstate.OpsStateFreshness;
import health.clinicalops.opskit.opsstate.OpsStateWatcher;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once this service has read the ops-state ConfigMap, and from then on through any outage of
 * the cluster API.
 *
 * <p>Before the first sync it is DOWN: the service does not know the mode yet, and the defaults it
 * would act on ({@code normal}, no overrides) could reopen writes that maintenance or read-only
 * mode closed. Once synced it stays UP while the watch reconnects: the service keeps enforcing the
 * last known state (a maintenance stays maintenance) and says so, {@code stale: true} with {@code
 * staleSince} (ISO-8601, the last time the watch was seen connected) and the last known {@code
 * mode}. Taking every service out of its Service endpoints because the cluster API blinked would
 * stop the clinical app's edge checks, incident recording and paging at once, the opposite of what
 * they are for. The metric {@code clinicalops_ops_state_stale} says the same to Prometheus.
 *
 * <p>Data: {@code namespace}, {@code mode} (the mode enforced; {@code unknown} before the first
 * sync), {@code synced}, {@code watching}, {@code stale}, {@code staleSince} while stale, {@code
 * lastEventAt} (the last change that arrived from the API), {@code informer: stopped} if the
 * informer stopped for good (no change will arrive again; it stays UP with the last known state),
 * and {@code problems}: values of the ConfigMap that were ignored or replaced by their safe
 * default.
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
    OpsStateFreshness freshness = watcher.freshness();
    response
        .status(freshness.synced())
        .withData("namespace", watcher.namespace())
        .withData("mode", freshness.synced() ? watcher.effectiveMode().wireValue() : "unknown")
        .withData("synced", freshness.synced())
        .withData("watching", freshness.watching())
        .withData("stale", freshness.stale());
    freshness.staleSince().ifPresent(since -> response.withData("staleSince", since.toString()));
    freshness.lastEventAt().ifPresent(at -> response.withData("lastEventAt", at.toString()));
    if (freshness.stoppedForGood()) {
      response.withData("informer", "stopped");
    }
    List<String> problems = watcher.current().problems();
    if (!problems.isEmpty()) {
      response.withData("problems", String.join("; ", problems));
    }
    return response.build();
  }
}
