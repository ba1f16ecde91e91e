package health.clinicalops.opskit.clients;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.function.Predicate;

/**
 * True for a failure that shows the request never reached the peer (no connection could be made),
 * so sending it again cannot do it twice. The retry condition of calls that are not idempotent.
 */
public class RequestNeverSent implements Predicate<Throwable> {

  @Override
  public boolean test(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException || t instanceof UnknownHostException) {
        return true;
      }
    }
    return false;
  }
}
