package health.clinicalops.opskit.opsstate;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.function.Supplier;

/**
 * The cluster API refused a write with 409: another writer changed the object since it was read (or
 * created it first). Not a failure of the API: the caller re-reads and decides again, so fault
 * tolerance neither retries it nor counts it against a circuit breaker.
 */
public class ResourceVersionConflict extends RuntimeException {

  public ResourceVersionConflict(KubernetesClientException cause) {
    super(cause.getMessage(), cause);
  }

  /** Runs a write, turning a 409 into this exception; every other failure is left as it is. */
  public static <T> T onConflict(Supplier<T> write) {
    try {
      return write.get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        throw new ResourceVersionConflict(e);
      }
      throw e;
    }
  }
}
