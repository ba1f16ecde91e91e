package health.clinicalops.opskit.opsstate;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * The outbound edge to the cluster API for the ops-state ConfigMap, where its fault-tolerance
 * policy sits: a timeout per call and a named circuit breaker for reads and for writes. A read is
 * retried; a write is not, because the caller's read-modify-write loop is its retry: a write whose
 * answer was lost comes back as a conflict, and the re-read shows whether it landed. A conflict
 * ({@link ResourceVersionConflict}) is neither retried nor counted as a failure. Values can be
 * changed with MicroProfile config, e.g. {@code
 * health.clinicalops.opskit.opsstate.OpsStateCalls/write/Timeout/value}.
 */
@ApplicationScoped
public class OpsStateCalls {

  /** Circuit breaker of the reads (metrics tag {@code name}). */
  public static final String READ_BREAKER = "ops-state-read";

  /** Circuit breaker of the writes. */
  public static final String WRITE_BREAKER = "ops-state-write";

  private final KubernetesClient client;

  OpsStateCalls(KubernetesClient client) {
    this.client = client;
  }

  /** The ConfigMap as the API has it now, or null when it does not exist. */
  @Timeout(value = 2, unit = ChronoUnit.SECONDS)
  @Retry(maxRetries = 2, delay = 200, jitter = 100, abortOn = CircuitBreakerOpenException.class)
  @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 5000)
  @CircuitBreakerName(READ_BREAKER)
  public ConfigMap read(String namespace, String name) {
    return client.configMaps().inNamespace(namespace).withName(name).get();
  }

  /**
   * Creates the ConfigMap when {@code configMap} carries no resourceVersion, else replaces the
   * version it carries.
   *
   * @throws ResourceVersionConflict when another writer got there first
   */
  @Timeout(value = 2, unit = ChronoUnit.SECONDS)
  @CircuitBreaker(
      requestVolumeThreshold = 4,
      failureRatio = 0.75,
      delay = 5000,
      skipOn = ResourceVersionConflict.class)
  @CircuitBreakerName(WRITE_BREAKER)
  public ConfigMap write(ConfigMap configMap) {
    String namespace = configMap.getMetadata().getNamespace();
    boolean exists = configMap.getMetadata().getResourceVersion() != null;
    return ResourceVersionConflict.onConflict(
        () ->
            exists
                ? client.configMaps().inNamespace(namespace).resource(configMap).update()
                : client.configMaps().inNamespace(namespace).resource(configMap).create());
  }
}
