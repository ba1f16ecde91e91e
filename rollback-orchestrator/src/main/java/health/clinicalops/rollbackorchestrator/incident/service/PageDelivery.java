package health.clinicalops.rollbackorchestrator.incident.service;

import health.clinicalops.rollbackorchestrator.common.OrchestratorMetrics;
import health.clinicalops.rollbackorchestrator.common.RetryBackoff;
import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import health.clinicalops.rollbackorchestrator.incident.domain.Incident;
import health.clinicalops.rollbackorchestrator.incident.domain.Page;
import health.clinicalops.rollbackorchestrator.incident.domain.PageStatus;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Delivers pending pages, retried with exponential backoff. A page row is locked while it is sent
 * ({@code FOR UPDATE SKIP LOCKED}), so two replicas never send it twice.
 */
@ApplicationScoped
public class PageDelivery {

  private static final Logger LOG = Logger.getLogger(PageDelivery.class);

  private final WebhookNotifier notifier;
  private final OrchestratorConfig.Escalation config;
  private final Clock clock;
  private final OrchestratorMetrics metrics;

  PageDelivery(
      WebhookNotifier notifier,
      OrchestratorConfig config,
      Clock clock,
      OrchestratorMetrics metrics) {
    this.notifier = notifier;
    this.config = config.escalation();
    this.clock = clock;
    this.metrics = metrics;
  }

  @Scheduled(
      every = "${clinicalops.rollback-orchestrator.escalation.poll-interval:1s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      identity = "page-delivery")
  void onTimer() {
    try {
      deliverDue();
    } catch (RuntimeException e) {
      LOG.warnf("page delivery failed, retried at the next tick: %s", e.getMessage());
    }
  }

  /** Sends the pages that are due; returns how many were attempted. */
  @Transactional
  public int deliverDue() {
    Instant now = Instant.now(clock);
    List<Page> due = Page.lockDue(now, 5);
    for (Page page : due) {
      Incident incident = Incident.findById(page.incidentId);
      page.attempts++;
      try {
        notifier.send(page, incident, now);
        page.status = PageStatus.SENT;
        page.sentAt = Instant.now(clock);
        page.lastError = null;
        metrics.pageSent(page.contact);
      } catch (WebhookNotifier.NoWebhook e) {
        page.status = PageStatus.FAILED;
        page.lastError = e.getMessage();
        LOG.errorf(
            "page %d for incident %d not sent: %s", page.id, page.incidentId, e.getMessage());
        metrics.pageFailed(page.contact);
      } catch (WebhookNotifier.DeliveryFailed e) {
        page.lastError = e.getMessage();
        if (page.attempts >= config.maxAttempts()) {
          page.status = PageStatus.FAILED;
          LOG.errorf(
              "page %d for incident %d failed after %d attempts: %s",
              page.id, page.incidentId, page.attempts, e.getMessage());
          metrics.pageFailed(page.contact);
        } else {
          page.nextAttemptAt = now.plus(backoff(page.attempts));
          LOG.warnf(
              "page %d to %s failed (attempt %d), retrying: %s",
              page.id, page.contact, page.attempts, e.getMessage());
        }
      }
    }
    return due.size();
  }

  Duration backoff(int attempts) {
    return RetryBackoff.after(attempts, config.initialBackoff(), config.maxBackoff());
  }
}
