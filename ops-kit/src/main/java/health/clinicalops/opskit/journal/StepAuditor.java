package health.clinicalops.opskit.journal;

import health.clinicalops.opskit.clients.AuditEvent;

/**
 * Where the journal puts the audit event of each step: audit-keeper through the durable outbox
 * ({@link OutboxStepAuditor}), or, in audit-keeper itself, its own write path.
 */
public interface StepAuditor {

  void audit(AuditEvent event);
}
