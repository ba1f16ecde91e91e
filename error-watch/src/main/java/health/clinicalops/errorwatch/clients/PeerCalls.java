package health.clinicalops.errorwatch.clients;

import health.clinicalops.opskit.ServiceNames;
import health.clinicalops.opskit.clients.RollbackAnswer;
import health.clinicalops.opskit.clients.RollbackRequest;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The outbound edge to db-sentinel and rollback-orchestrator's rollbacks: a timeout per call, a few
 * quick retries and a named circuit breaker each. Values can be changed with MicroProfile config,
 * e.g. {@code health.clinicalops.errorwatch.clients.PeerCalls/requestRollback/Timeout/value}.
 */
@ApplicationScoped
public class PeerCalls {

  private final DbSentinelApi dbSentinel;
  private final RollbackOrchestratorApi rollbacks;

  PeerCalls(@RestClient DbSentinelApi dbSentinel, @RestClient RollbackOrchestratorApi rollbacks) {
    this.dbSentinel = dbSentinel;
    this.rollbacks = rollbacks;
  }

  /** db-sentinel's state of the database; {@code unknown} when it cannot be asked. */
  @Timeout(value = 2, unit = ChronoUnit.SECONDS)
  @Retry(maxRetries = 2, delay = 200, jitter = 100)
  @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 5000)
  @CircuitBreakerName(ServiceNames.DB_SENTINEL)
  @Fallback(fallbackMethod = "databaseStatusUnknown")
  public DatabaseStatus databaseStatus() {
    return dbSentinel.status();
  }

  DatabaseStatus databaseStatusUnknown() {
    return DatabaseStatus.unknown("db-sentinel did not answer");
  }

  /** Asks for a rollback; throws when rollback-orchestrator cannot be reached or refuses. */
  @Timeout(value = 5, unit = ChronoUnit.SECONDS)
  @Retry(maxRetries = 2, delay = 300, jitter = 100)
  @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 5000)
  @CircuitBreakerName("rollback-orchestrator-rollbacks")
  public RollbackAnswer requestRollback(RollbackRequest request) {
    return rollbacks.requestRollback(request);
  }
}
