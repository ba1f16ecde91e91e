package health.clinicalops.opskit.clients;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.microprofile.context.ManagedExecutor;

/**
 * Sends every automated action to audit-keeper, in order, without making the caller wait. An event
 * is on disk before {@link #record} returns and survives a restart of this service (see {@link
 * DurableOutbox}); its id makes a repeated delivery harmless.
 */
@ApplicationScoped
public class AuditTrail {

  private final DurableOutbox<AuditEvent> outbox;
  private final OutboundCalls calls;
  private final ManagedExecutor executor;
  private final ReentrantLock delivering = new ReentrantLock();

  AuditTrail(
      OutboundCalls calls,
      ManagedExecutor executor,
      OutboxConfig config,
      MeterRegistry registry,
      ObjectMapper mapper) {
    this.calls = calls;
    this.executor = executor;
    this.outbox = new DurableOutbox<>("audit-keeper", AuditEvent.class, mapper, config, registry);
  }

  /** Keeps {@code event} for delivery; false only when it cannot be kept (counted and logged). */
  public boolean record(AuditEvent event) {
    boolean kept = outbox.add(event);
    if (kept) {
      executor.execute(this::deliver);
    }
    return kept;
  }

  public boolean record(String actor, String action, Map<String, Object> details) {
    return record(AuditEvent.of(actor, action, details));
  }

  public long pending() {
    return outbox.pending();
  }

  /**
   * Delivers what is due: right after an item is added, and every poll interval for what the peer
   * could not take yet. One delivery at a time; a call that finds one running returns at once.
   */
  @Scheduled(
      every = "${clinicalops.outbox.poll-interval:1s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void deliver() {
    if (!delivering.tryLock()) {
      return;
    }
    try {
      outbox.deliver(calls::sendAuditEvent);
    } finally {
      delivering.unlock();
    }
  }

  @PreDestroy
  void close() throws IOException {
    outbox.close();
  }
}
