package health.clinicalops.opskit.journal;

import health.clinicalops.opskit.clients.IncidentReport;

/**
 * Where the journal sends a step's incident report: rollback-orchestrator through the durable
 * outbox ({@link OutboxIncidentSink}), or, in rollback-orchestrator itself, its incident service.
 */
public interface IncidentSink {

  void report(IncidentReport report);
}
