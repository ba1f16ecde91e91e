package health.clinicalops.rollbackorchestrator.rollback.service;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.UnaryOperator;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * The outbound edge to the cluster API for the app's Deployments and ReplicaSets, where its
 * fault-tolerance policy sits: a timeout per call and a named circuit breaker per call. Reads are
 * retried. The pod-template patch is not: the rollback's step is its retry unit, and a rollback
 * that fails is reported, never repeated behind the operator's back. Values can be changed with
 * MicroProfile config, e.g. {@code
 * health.clinicalops.rollbackorchestrator.rollback.service.DeploymentCalls/deployment/Timeout/value}.
 */
@ApplicationScoped
public class DeploymentCalls {

  /** Circuit breaker of the Deployment reads (metrics tag {@code name}). */
  public static final String DEPLOYMENT_READ_BREAKER = "app-deployment-read";

  /** Circuit breaker of the ReplicaSet lists. */
  public static final String RELEASES_READ_BREAKER = "app-replicasets-read";

  /** Circuit breaker of the pod-template patches. */
  public static final String WRITE_BREAKER = "app-deployment-write";

  private final KubernetesClient client;

  DeploymentCalls(KubernetesClient client) {
    this.client = client;
  }

  /** The Deployment as the API has it now, or null when there is none. */
  @Timeout(value = 5, unit = ChronoUnit.SECONDS)
  @Retry(maxRetries = 2, delay = 200, jitter = 100, abortOn = CircuitBreakerOpenException.class)
  @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 5000)
  @CircuitBreakerName(DEPLOYMENT_READ_BREAKER)
  public Deployment deployment(String namespace, String name) {
    return client.apps().deployments().inNamespace(namespace).withName(name).get();
  }

  /** Every ReplicaSet of the namespace (the releases of its Deployments). */
  @Timeout(value = 5, unit = ChronoUnit.SECONDS)
  @Retry(maxRetries = 2, delay = 200, jitter = 100, abortOn = CircuitBreakerOpenException.class)
  @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 5000)
  @CircuitBreakerName(RELEASES_READ_BREAKER)
  public List<ReplicaSet> replicaSets(String namespace) {
    return client.apps().replicaSets().inNamespace(namespace).list().getItems();
  }

  /** Applies {@code edit} to the Deployment and returns it as the API stored it. */
  @Timeout(value = 5, unit = ChronoUnit.SECONDS)
  @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 5000)
  @CircuitBreakerName(WRITE_BREAKER)
  public Deployment edit(String namespace, String name, UnaryOperator<Deployment> edit) {
    return client.apps().deployments().inNamespace(namespace).withName(name).edit(edit);
  }
}
