package health.clinicalops.opskit.clients;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;

/** Sends every automated action to audit-keeper, in order, without making the caller wait. */
@ApplicationScoped
public class AuditTrail {

  private final DeliveryQueue<AuditEvent> queue;

  AuditTrail(OutboundCalls calls, OutboxConfig config, MeterRegistry registry) {
    this.queue = new DeliveryQueue<>("audit-keeper", calls::sendAuditEvent, config, registry);
  }

  /** Queues {@code event}; false only when the queue is full (counted and logged). */
  public boolean record(AuditEvent event) {
    return queue.offer(event);
  }

  public boolean record(String actor, String action, Map<String, Object> details) {
    return record(AuditEvent.of(actor, action, details));
  }

  public int pending() {
    return queue.size();
  }

  void onStop(@Observes ShutdownEvent shutdown) {
    queue.stop();
  }
}
