package health.clinicalops.auditkeeper.health;

import health.clinicalops.auditkeeper.service.AuditQuarantine;
import health.clinicalops.auditkeeper.service.AuditWriter;
import health.clinicalops.auditkeeper.service.EventSpool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while events can be made durable: a failing database is handled by the spool, so it stays
 * UP and says so ({@code spooling}, {@code spoolDepth}, {@code oldestSpooledAge}).
 */
@Readiness
@ApplicationScoped
public class AuditSpoolReadinessCheck implements HealthCheck {

  private final EventSpool spool;
  private final AuditWriter writer;
  private final AuditQuarantine quarantine;

  AuditSpoolReadinessCheck(EventSpool spool, AuditWriter writer, AuditQuarantine quarantine) {
    this.spool = spool;
    this.writer = writer;
    this.quarantine = quarantine;
  }

  @Override
  public HealthCheckResponse call() {
    Duration age = spool.oldestAge().orElse(Duration.ZERO);
    return HealthCheckResponse.named("audit-spool")
        .up()
        .withData("spooling", writer.spooling())
        .withData("spoolDepth", spool.depth())
        .withData("oldestSpooledAge", age.toString())
        .withData("oldestSpooledAgeSeconds", age.toSeconds())
        .withData("lastDatabaseFailure", writer.lastFailure())
        .withData("replayFailuresInARow", writer.replayFailuresInARow())
        .withData("quarantinedEvents", quarantine.count())
        .build();
  }
}
