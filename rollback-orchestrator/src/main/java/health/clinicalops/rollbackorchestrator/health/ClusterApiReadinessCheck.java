package health.clinicalops.rollbackorchestrator.health;

import health.clinicalops.rollbackorchestrator.rollback.service.RollbackService;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the cluster API answers: rollbacks and maintenance mode go through it. */
@Readiness
@ApplicationScoped
public class ClusterApiReadinessCheck implements HealthCheck {

  private final KubernetesClient client;
  private final RollbackService rollbacks;

  ClusterApiReadinessCheck(KubernetesClient client, RollbackService rollbacks) {
    this.client = client;
    this.rollbacks = rollbacks;
  }

  @Override
  public HealthCheckResponse call() {
    String namespace = rollbacks.namespace();
    try {
      int deployments = client.apps().deployments().inNamespace(namespace).list().getItems().size();
      return HealthCheckResponse.named("cluster-api")
          .up()
          .withData("namespace", namespace)
          .withData("deployments", deployments)
          .build();
    } catch (KubernetesClientException e) {
      return HealthCheckResponse.named("cluster-api")
          .down()
          .withData("namespace", namespace)
          .withData("error", String.valueOf(e.getMessage()))
          .build();
    }
  }
}
