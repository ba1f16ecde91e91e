package health.clinicalops.opskit.clients;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Opens, updates and resolves incidents at rollback-orchestrator, in order, without making the
 * caller wait. Reports with the same dedup key are one incident there.
 */
@ApplicationScoped
public class IncidentReporter {

  private final DeliveryQueue<IncidentReport> queue;

  IncidentReporter(OutboundCalls calls, OutboxConfig config, MeterRegistry registry) {
    this.queue =
        new DeliveryQueue<>("rollback-orchestrator", calls::sendIncidentReport, config, registry);
  }

  public boolean report(IncidentReport report) {
    return queue.offer(report);
  }

  public int pending() {
    return queue.size();
  }

  void onStop(@Observes ShutdownEvent shutdown) {
    queue.stop();
  }
}
