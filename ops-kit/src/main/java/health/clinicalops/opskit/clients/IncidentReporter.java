package health.clinicalops.opskit.clients;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;

/**
 * Opens, updates and resolves incidents at rollback-orchestrator, in order, without making the
 * caller wait. Reports with the same dedup key are one incident there. A report is on disk before
 * {@link #report} returns and survives a restart of this service (see {@link DurableOutbox}).
 */
@ApplicationScoped
public class IncidentReporter {

  private final DurableOutbox<IncidentReport> outbox;
  private final OutboundCalls calls;
  private final DeliveryExecutor executor;
  private final OutboxConfig config;
  private final ObjectMapper mapper;

  IncidentReporter(
      OutboundCalls calls,
      DeliveryExecutor executor,
      OutboxConfig config,
      MeterRegistry registry,
      ObjectMapper mapper) {
    this.calls = calls;
    this.executor = executor;
    this.config = config;
    this.mapper = mapper;
    this.outbox =
        new DurableOutbox<>(
            "rollback-orchestrator", IncidentReport.class, mapper, config, registry);
  }

  /** Keeps the report for delivery; false only when it cannot be kept (counted and logged). */
  public boolean report(IncidentReport report) {
    IncidentReport bounded =
        report
            .withReportIdIfMissing()
            .withEvidence(
                BoundedEvidence.fit(
                    report.evidence(), config.maxEvidenceSize().asLongValue(), mapper));
    return outbox.addAndSend(bounded, executor, calls::sendIncidentReport);
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
    outbox.deliver(calls::sendIncidentReport);
  }

  @PreDestroy
  void close() throws IOException {
    outbox.close();
  }
}
