package health.clinicalops.opskit.clients;

import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.opskit.ServiceNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.Map;

/**
 * Sends every automated action to audit-keeper, in order, without making the caller wait. An event
 * is on disk before {@link #record} returns and survives a restart of this service (see {@link
 * DurableOutbox}); its id makes a repeated delivery harmless.
 */
@ApplicationScoped
public class AuditTrail {

  private final DurableOutbox<AuditEvent> outbox;
  private final OutboundCalls calls;
  private final DeliveryExecutor executor;

  AuditTrail(
      OutboundCalls calls,
      DeliveryExecutor executor,
      OutboxConfig config,
      MeterRegistry registry,
      ObjectMapper mapper) {
    this.calls = calls;
    this.executor = executor;
    this.outbox =
        new DurableOutbox<>(ServiceNames.AUDIT_KEEPER, AuditEvent.class, mapper, config, registry);
  }

  /** Keeps {@code event} for delivery; false only when it cannot be kept (counted and logged). */
  public boolean record(AuditEvent event) {
    return outbox.addAndSend(event, executor, calls::sendAuditEvent);
  }

  public boolean record(String actor, String action, Map<String, Object> details) {
    return record(AuditEvent.of(actor, action, details));
  }

  public long pending() {
    return outbox.pending();
  }

  /**
   * Delivers, every poll interval, what the peer could not take yet (a new item is sent when it is
   * added).
   */
  @Scheduled(
      every = "${clinicalops.outbox.poll-interval:1s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void deliver() {
    outbox.deliver(calls::sendAuditEvent);
  }

  @PreDestroy
  void close() throws IOException {
    outbox.close();
  }
}
