package health.clinicalops.opskit.journal;

import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.IncidentReporter;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;

/** Sends a step's incident report to rollback-orchestrator through the durable outbox. */
@DefaultBean
@ApplicationScoped
public class OutboxIncidentSink implements IncidentSink {

  private final IncidentReporter reporter;

  OutboxIncidentSink(IncidentReporter reporter) {
    this.reporter = reporter;
  }

  @Override
  public void report(IncidentReport report) {
    reporter.report(report);
  }
}
