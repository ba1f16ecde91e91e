package health.clinicalops.rollbackorchestrator.health;

import health.clinicalops.opskit.opsstate.OpsStateCalls;
import health.clinicalops.opskit.opsstate.OpsStateWatcher;
import health.clinicalops.rollbackorchestrator.rollback.service.DeploymentCalls;
import health.clinicalops.rollbackorchestrator.rollback.service.RollbackService;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The cluster API as readiness data, never the verdict: always UP. Without the cluster API this
 * service cannot roll back or change the mode, but it still records incidents, pages people and
 * serves the status page and the last known ops state, which is what it is for in an outage; taking
 * it out of its Service endpoints would stop all of that too. A rollback or a mode change tried
 * meanwhile fails on its own (503 or a failed step), through the circuit breakers below.
 *
 * <p>It does not call the API on each probe (the former check listed the Deployments): a hung API
 * would hold the readiness probe past its timeout and make the pod unready all the same. It reports
 * what the service already knows: {@code clusterApi} is {@code reachable} while the ops-state
 * ConfigMap's watch is connected, else {@code unreachable} (before the first sync, while the watch
 * reconnects, and for about a second when fabric8 renews it); and the state of the named breakers
 * of the cluster API calls ({@code closed}, {@code open}, {@code half_open}), so an operator sees
 * whether the Deployment calls of rollbacks and the ConfigMap writes are failing.
 */
@Readiness
@ApplicationScoped
public class ClusterApiReadinessCheck implements HealthCheck {

  private static final List<String> BREAKERS =
      List.of(
          DeploymentCalls.DEPLOYMENT_READ_BREAKER,
          DeploymentCalls.RELEASES_READ_BREAKER,
          DeploymentCalls.WRITE_BREAKER,
          OpsStateCalls.WRITE_BREAKER);

  private final OpsStateWatcher watcher;
  private final CircuitBreakerMaintenance breakers;
  private final RollbackService rollbacks;

  ClusterApiReadinessCheck(
      OpsStateWatcher watcher, CircuitBreakerMaintenance breakers, RollbackService rollbacks) {
    this.watcher = watcher;
    this.breakers = breakers;
    this.rollbacks = rollbacks;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named("cluster-api")
            .up()
            .withData("namespace", rollbacks.namespace())
            .withData(
                "clusterApi",
                !watcher.isEnabled()
                    ? "unknown"
                    : watcher.isWatching() ? "reachable" : "unreachable");
    for (String breaker : BREAKERS) {
      response.withData(breaker, breakers.currentState(breaker).name().toLowerCase(Locale.ROOT));
    }
    return response.build();
  }
}
