package health.clinicalops.rollbackorchestrator.incident.service;

import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.journal.IncidentSink;
import health.clinicalops.rollbackorchestrator.common.Actor;
import jakarta.enterprise.context.ApplicationScoped;

/** rollback-orchestrator's own steps go to its incident service directly, not over HTTP. */
@ApplicationScoped
public class LocalIncidentSink implements IncidentSink {

  private final IncidentService incidents;

  LocalIncidentSink(IncidentService incidents) {
    this.incidents = incidents;
  }

  @Override
  public void report(IncidentReport report) {
    incidents.report(report, Actor.SELF);
  }
}
