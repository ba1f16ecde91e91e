package health.clinicalops.opskit.clients;

import health.clinicalops.opskit.ServiceNames;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The outbound edge to the other services, where the fault-tolerance policy sits: a timeout per
 * call, a few quick retries, and a named circuit breaker per peer (metrics show its state). Values
 * can be changed with MicroProfile config, e.g. {@code
 * health.clinicalops.opskit.clients.OutboundCalls/sendAuditEvent/Timeout/value}.
 */
@ApplicationScoped
public class OutboundCalls {

  private final AuditKeeperApi auditKeeper;
  private final IncidentApi incidents;

  OutboundCalls(@RestClient AuditKeeperApi auditKeeper, @RestClient IncidentApi incidents) {
    this.auditKeeper = auditKeeper;
    this.incidents = incidents;
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
}
