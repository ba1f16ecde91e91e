package health.clinicalops.rollbackorchestrator.communicate.service;

import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.rollbackorchestrator.common.OrchestratorMetrics;
import health.clinicalops.rollbackorchestrator.communicate.domain.Subscriber;
import health.clinicalops.rollbackorchestrator.communicate.domain.SubscriptionRequest;
import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The limits of the public subscribe form ({@code status-page.subscriptions}): requests per client
 * and overall in the last hour, and subscriptions waiting for confirmation. Beyond one: 429 with a
 * {@code Retry-After} of when the oldest counted request (or waiting subscription) stops counting.
 * Counted in the database, so the limits hold across replicas.
 */
@ApplicationScoped
public class SubscriptionLimits {

  /** The window of the hourly limits. */
  static final Duration HOUR = Duration.ofHours(1);

  private final OrchestratorConfig.Subscriptions config;
  private final OrchestratorMetrics metrics;

  SubscriptionLimits(OrchestratorConfig config, OrchestratorMetrics metrics) {
    this.config = config.statusPage().subscriptions();
    this.metrics = metrics;
  }

  /**
   * Throws a 429 problem when a request of {@code client} is beyond a limit; {@code newSubscriber}:
   * it would add a subscription that waits for confirmation. Call it under the subscriptions lock,
   * so that concurrent requests cannot pass a limit together.
   */
  void check(String client, boolean newSubscriber, Instant now) {
    Instant hourAgo = now.minus(HOUR);
    if (SubscriptionRequest.countFrom(client, hourAgo) >= config.maxPerIpPerHour()) {
      throw refused(
          "client",
          "too many subscribe requests from your address in the last hour",
          SubscriptionRequest.oldestFrom(client, hourAgo),
          HOUR,
          now);
    }
    if (SubscriptionRequest.countSince(hourAgo) >= config.maxPerHour()) {
      throw refused(
          "overall",
          "too many subscribe requests in the last hour",
          SubscriptionRequest.oldestSince(hourAgo),
          HOUR,
          now);
    }
    Instant expiry = now.minus(config.confirmWithin());
    if (newSubscriber && Subscriber.countUnconfirmedSince(expiry) >= config.maxUnconfirmed()) {
      throw refused(
          "unconfirmed",
          "too many subscriptions are waiting for confirmation",
          Subscriber.oldestUnconfirmedSince(expiry),
          config.confirmWithin(),
          now);
    }
  }

  private ProblemException refused(
      String limit, String detail, Optional<Instant> oldest, Duration counted, Instant now) {
    metrics.subscriptionRefused(limit);
    Duration retryAfter =
        oldest
            .map(at -> Duration.between(now, at.plus(counted)))
            .filter(d -> !d.isNegative())
            .orElse(counted);
    return ProblemException.tooManyRequests(detail + "; try again later", retryAfter);
  }
}
