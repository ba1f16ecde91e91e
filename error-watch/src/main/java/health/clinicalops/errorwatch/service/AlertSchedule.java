package health.clinicalops.errorwatch.service;

import health.clinicalops.errorwatch.domain.AlertState;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Runs the alert evaluation every {@code clinicalops.error-watch.windows.evaluation-interval}, and
 * remembers whether it works, for readiness: a loop that fails or hangs means nobody watches the
 * runbook's trigger.
 */
@ApplicationScoped
public class AlertSchedule {

  private static final Logger LOG = Logger.getLogger(AlertSchedule.class);

  /**
   * What the loop last did. Times since the last success are measured with {@code nanoTime}, not
   * the (settable) clock.
   */
  public record Outcome(
      AlertState state,
      Instant lastSuccessAt,
      long lastSuccessNanos,
      String lastFailure,
      Instant lastFailureAt,
      int consecutiveFailures) {}

  private final AlertEvaluator evaluator;
  private final ErrorQueryService queries;
  private final Clock clock;
  private final ErrorWatchMetrics metrics;
  private volatile Outcome outcome;

  AlertSchedule(
      AlertEvaluator evaluator, ErrorQueryService queries, Clock clock, ErrorWatchMetrics metrics) {
    this.evaluator = evaluator;
    this.queries = queries;
    this.clock = clock;
    this.metrics = metrics;
    // Not evaluated yet: starting counts as a success, so a fresh instance is ready.
    this.outcome = new Outcome(null, null, System.nanoTime(), null, null, 0);
  }

  @Scheduled(
      every = "${clinicalops.error-watch.windows.evaluation-interval:10s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void evaluate() {
    Outcome last = outcome;
    try {
      evaluator.evaluate();
      queries.refreshGauges();
      outcome = new Outcome(evaluator.state(), clock.instant(), System.nanoTime(), null, null, 0);
    } catch (RuntimeException e) {
      metrics.alertEvaluationFailed();
      LOG.warnf(
          "error-watch: alert evaluation failed (%d in a row): %s",
          last.consecutiveFailures() + 1, e.getMessage());
      outcome =
          new Outcome(
              last.state(),
              last.lastSuccessAt(),
              last.lastSuccessNanos(),
              e.getClass().getSimpleName() + ": " + e.getMessage(),
              clock.instant(),
              last.consecutiveFailures() + 1);
    }
  }

  public Outcome outcome() {
    return outcome;
  }
}
