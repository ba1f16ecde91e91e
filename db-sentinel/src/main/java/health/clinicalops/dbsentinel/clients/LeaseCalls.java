package health.clinicalops.dbsentinel.clients;

import health.clinicalops.opskit.opsstate.ResourceVersionConflict;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * The outbound edge to the cluster API for the leader Lease: a timeout per call and a named circuit
 * breaker for reads and for writes. A read is retried; a write is not, since the election asks
 * again at the next probe anyway, and a write whose answer was lost would come back as a conflict.
 * A conflict (another replica wrote first) is the election working, not a failure: never retried,
 * never counted. Values can be changed with MicroProfile config, e.g. {@code
 * health.clinicalops.dbsentinel.clients.LeaseCalls/write/Timeout/value}.
 */
@ApplicationScoped
public class LeaseCalls {

  /** Circuit breaker of the Lease reads. */
  public static final String READ_BREAKER = "leader-lease-read";

  /** Circuit breaker of the Lease writes. */
  public static final String WRITE_BREAKER = "leader-lease-write";

  private final KubernetesClient client;

  LeaseCalls(KubernetesClient client) {
    this.client = client;
  }

  /** The Lease, or null when it does not exist. */
  @Timeout(value = 2, unit = ChronoUnit.SECONDS)
  @Retry(maxRetries = 1, delay = 100, jitter = 50, abortOn = CircuitBreakerOpenException.class)
  @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 5000)
  @CircuitBreakerName(READ_BREAKER)
  public Lease read(String namespace, String name) {
    return client.leases().inNamespace(namespace).withName(name).get();
  }

  /**
   * Creates the Lease when it carries no resourceVersion, else replaces the version it carries.
   *
   * @throws ResourceVersionConflict when another replica wrote it first
   */
  @Timeout(value = 2, unit = ChronoUnit.SECONDS)
  @CircuitBreaker(
      requestVolumeThreshold = 4,
      failureRatio = 0.75,
      delay = 5000,
      skipOn = ResourceVersionConflict.class)
  @CircuitBreakerName(WRITE_BREAKER)
  public Lease write(Lease lease) {
    String namespace = lease.getMetadata().getNamespace();
    boolean exists = lease.getMetadata().getResourceVersion() != null;
    return ResourceVersionConflict.onConflict(
        () ->
            exists
                ? client.leases().inNamespace(namespace).resource(lease).update()
                : client.leases().inNamespace(namespace).resource(lease).create());
  }
}
