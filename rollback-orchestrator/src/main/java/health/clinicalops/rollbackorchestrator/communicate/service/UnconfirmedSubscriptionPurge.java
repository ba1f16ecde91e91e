package health.clinicalops.rollbackorchestrator.communicate.service;

import health.clinicalops.rollbackorchestrator.common.OrchestratorMetrics;
import health.clinicalops.rollbackorchestrator.communicate.domain.Subscriber;
import health.clinicalops.rollbackorchestrator.communicate.domain.SubscriptionRequest;
import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Deletes the subscriptions not confirmed within {@code subscriptions.confirm-within} (with their
 * queued emails) and the subscribe requests that no longer count for the hourly limits. Every
 * replica may run it: deleting twice changes nothing.
 */
@ApplicationScoped
public class UnconfirmedSubscriptionPurge {

  private static final Logger LOG = Logger.getLogger(UnconfirmedSubscriptionPurge.class);

  private final Duration confirmWithin;
  private final Clock clock;
  private final OrchestratorMetrics metrics;

  UnconfirmedSubscriptionPurge(
      OrchestratorConfig config, Clock clock, OrchestratorMetrics metrics) {
    this.confirmWithin = config.statusPage().subscriptions().confirmWithin();
    this.clock = clock;
    this.metrics = metrics;
  }

  @Scheduled(
      every = "${clinicalops.rollback-orchestrator.status-page.subscriptions.purge-interval:5m}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      identity = "unconfirmed-subscription-purge")
  void onTimer() {
    try {
      purge();
    } catch (RuntimeException e) {
      LOG.warnf("purge of unconfirmed subscriptions failed, retried later: %s", e.getMessage());
    }
  }

  /** Deletes what has expired; returns how many subscriptions. */
  @Transactional
  public long purge() {
    Instant now = Instant.now(clock);
    long deleted = Subscriber.deleteUnconfirmedCreatedBefore(now.minus(confirmWithin));
    SubscriptionRequest.deleteBefore(now.minus(SubscriptionLimits.HOUR));
    if (deleted > 0) {
      metrics.subscriptionsPurged(deleted);
      LOG.infof("deleted %d subscriptions not confirmed within %s", deleted, confirmWithin);
    }
    return deleted;
  }
}
