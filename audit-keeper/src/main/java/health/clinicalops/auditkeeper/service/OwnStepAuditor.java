package health.clinicalops.auditkeeper.service;

import health.clinicalops.opskit.clients.AuditEvent;
import health.clinicalops.opskit.journal.StepAuditor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The audit events of audit-keeper's own runbook steps go into "AuditLog" through its own write
 * path (the spool when the database fails), not over HTTP to itself as ops-kit's default {@code
 * OutboxStepAuditor} would send them.
 */
@ApplicationScoped
public class OwnStepAuditor implements StepAuditor {

  private final AuditWriter writer;

  OwnStepAuditor(AuditWriter writer) {
    this.writer = writer;
  }

  @Override
  public void audit(AuditEvent event) {
    writer.recordOwn(event);
  }
}
