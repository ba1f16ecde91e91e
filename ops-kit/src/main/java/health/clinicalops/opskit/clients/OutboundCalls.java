package health.clinicalops.opskit.clients;

import health.clinicalops.opskit.ServiceNames;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.RetryWhen;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The outbound edge to the other services, where the fault-tolerance policy sits: a timeout per
 * call, a named circuit breaker per call (metrics show its state), and a few quick retries where
 * repeating the call is safe. Values can be changed with MicroProfile config, e.g. {@code
 * health.clinicalops.opskit.clients.OutboundCalls/sendAuditEvent/Timeout/value}.
 */
@ApplicationScoped
public class OutboundCalls {

  /** Circuit breaker of the rollback requests (the incidents' is named after the service). */
  public static final String ROLLBACKS_BREAKER = "rollback-orchestrator-rollbacks";

  private final AuditKeeperApi auditKeeper;
  private final IncidentApi incidents;
  private final RollbackApi rollbacks;
  private final Instance<DbSentinelApi> dbSentinel;
  private volatile DbSentinelApi dbSentinelClient;

  // db-sentinel's client is created when first called: creating it needs its URL, which only the
  // services that ask db-sentinel have.
  OutboundCalls(
      @RestClient AuditKeeperApi auditKeeper,
      @RestClient IncidentApi incidents,
      @RestClient RollbackApi rollbacks,
      @RestClient Instance<DbSentinelApi> dbSentinel) {
    this.auditKeeper = auditKeeper;
    this.incidents = incidents;
    this.rollbacks = rollbacks;
    this.dbSentinel = dbSentinel;
  }

  @Timeout(value = 2, unit = ChronoUnit.SECONDS)
  @Retry(maxRetries = 2, delay = 200, jitter = 100)
  @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 5000)
  @CircuitBreakerName(ServiceNames.AUDIT_KEEPER)
  public void sendAuditEvent(AuditEvent event) {
    auditKeeper.record(event);
  }

  @Timeout(value = 2, unit = ChronoUnit.SECONDS)
  @Retry(maxRetries = 2, delay = 200, jitter = 100)
  @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 5000)
  @CircuitBreakerName(ServiceNames.ROLLBACK_ORCHESTRATOR)
  public IncidentRef sendIncidentReport(IncidentReport report) {
    return incidents.report(report);
  }

  /**
   * Asks rollback-orchestrator for a rollback; throws when it cannot be reached or refuses. Retried
   * only when the request never left: a request the orchestrator may have received is not sent
   * again, since a second one would be refused as a rollback already running.
   */
  @Timeout(value = 5, unit = ChronoUnit.SECONDS)
  @Retry(maxRetries = 2, delay = 300, jitter = 100)
  @RetryWhen(exception = RequestNeverSent.class)
  @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 5000)
  @CircuitBreakerName(ROLLBACKS_BREAKER)
  public RollbackAnswer requestRollback(RollbackRequest request) {
    return rollbacks.requestRollback(request);
  }

  /** db-sentinel's state of the database; {@code unknown} when it cannot be asked. */
  @Timeout(value = 2, unit = ChronoUnit.SECONDS)
  @Retry(maxRetries = 2, delay = 200, jitter = 100, abortOn = CircuitBreakerOpenException.class)
  @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 5000)
  @CircuitBreakerName(ServiceNames.DB_SENTINEL)
  @Fallback(fallbackMethod = "databaseStatusUnknown")
  public DatabaseStatus databaseStatus() {
    DbSentinelApi client = dbSentinelClient;
    if (client == null) {
      client = dbSentinel.get();
      dbSentinelClient = client;
    }
    return client.status();
  }

  DatabaseStatus databaseStatusUnknown() {
    return DatabaseStatus.unknown("db-sentinel did not answer");
  }
}
