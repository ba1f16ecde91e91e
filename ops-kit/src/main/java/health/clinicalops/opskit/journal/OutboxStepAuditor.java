package health.clinicalops.opskit.journal;

import health.clinicalops.opskit.clients.AuditEvent;
import health.clinicalops.opskit.clients.AuditTrail;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;

/** Sends a step's audit event to audit-keeper through the durable outbox. */
@DefaultBean
@ApplicationScoped
public class OutboxStepAuditor implements StepAuditor {

  private final AuditTrail trail;

  OutboxStepAuditor(AuditTrail trail) {
    this.trail = trail;
  }

  @Override
  public void audit(AuditEvent event) {
    trail.record(event);
  }
}
