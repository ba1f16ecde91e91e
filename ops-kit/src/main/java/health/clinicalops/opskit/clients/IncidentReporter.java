package health.clinicalops.opskit.clients;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.opskit.ServiceNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * Opens, updates and resolves incidents at rollback-orchestrator, in order, without making the
 * caller wait. Reports with the same dedup key are one incident there. A report is on disk before
 * {@link #report} returns and survives a restart of this service (see {@link DurableOutbox}).
 */
@ApplicationScoped
public class IncidentReporter {

  private static final Logger LOG = Logger.getLogger(IncidentReporter.class);

  private final DurableOutbox<IncidentReport> outbox;
  private final OutboundCalls calls;
  private final DeliveryExecutor executor;
  private final OutboxConfig config;
  private final ObjectMapper mapper;
  private final Counter oversizedEvidence;

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
    this.oversizedEvidence =
        Counter.builder("clinicalops_incident_evidence_oversized_total")
            .description("Incident reports sent without their evidence because it was too large")
            .register(registry);
    this.outbox =
        new DurableOutbox<>(
            ServiceNames.ROLLBACK_ORCHESTRATOR, IncidentReport.class, mapper, config, registry);
  }

  /** Keeps the report for delivery; false only when it cannot be kept (counted and logged). */
  public boolean report(IncidentReport report) {
    return outbox.addAndSend(
        fitted(report.withReportIdIfMissing()), executor, calls::sendIncidentReport);
  }

  /**
   * The report, or without its evidence when that outgrows the limit. Evidence records bound
   * themselves (see {@code Bounded}), so this is the net under a record that grew a field without a
   * bound: the report still goes, and the ones behind it are not held up.
   */
  private IncidentReport fitted(IncidentReport report) {
    long size = evidenceSize(report);
    if (size <= config.maxEvidenceSize().asLongValue()) {
      return report;
    }
    oversizedEvidence.increment();
    LOG.warnf(
        "incident %s: evidence of %d bytes is above %s and is left out of the report",
        report.dedupKey(), size, config.maxEvidenceSize());
    return report.withoutEvidence();
  }

  private long evidenceSize(IncidentReport report) {
    try {
      return report.evidence() == null ? 0 : mapper.writeValueAsBytes(report.evidence()).length;
    } catch (JsonProcessingException e) {
      return Long.MAX_VALUE;
    }
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
