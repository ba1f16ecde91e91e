package health.clinicalops.errorwatch.service;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/** Runs the alert evaluation every {@code clinicalops.error-watch.windows.evaluation-interval}. */
@ApplicationScoped
public class AlertSchedule {

  private final AlertEvaluator evaluator;
  private final ErrorQueryService queries;

  AlertSchedule(AlertEvaluator evaluator, ErrorQueryService queries) {
    this.evaluator = evaluator;
    this.queries = queries;
  }

  @Scheduled(
      every = "${clinicalops.error-watch.windows.evaluation-interval:10s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void evaluate() {
    evaluator.evaluate();
    queries.refreshGauges();
  }
}
