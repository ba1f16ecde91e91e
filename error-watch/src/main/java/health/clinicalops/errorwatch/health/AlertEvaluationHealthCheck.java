package health.clinicalops.errorwatch.health;

import health.clinicalops.errorwatch.config.ErrorWatchConfig;
import health.clinicalops.errorwatch.service.AlertSchedule;
import health.clinicalops.errorwatch.service.ErrorWindows;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: whether the alert evaluation works, with the alert state and what the windows hold.
 * DOWN once {@code windows.unready-after-missed-evaluations} evaluations in a row failed, or none
 * succeeded for that many intervals (hung). Reads what the loop last recorded, never waits for it.
 */
@Readiness
@ApplicationScoped
public class AlertEvaluationHealthCheck implements HealthCheck {

  private final AlertSchedule schedule;
  private final ErrorWindows windows;
  private final ErrorWatchConfig config;

  AlertEvaluationHealthCheck(
      AlertSchedule schedule, ErrorWindows windows, ErrorWatchConfig config) {
    this.schedule = schedule;
    this.windows = windows;
    this.config = config;
  }

  @Override
  public HealthCheckResponse call() {
    AlertSchedule.Outcome outcome = schedule.outcome();
    int missed = config.windows().unreadyAfterMissedEvaluations();
    long sinceSuccess = System.nanoTime() - outcome.lastSuccessNanos();
    boolean working =
        outcome.consecutiveFailures() < missed
            && sinceSuccess <= missed * config.windows().evaluationInterval().toNanos();
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named("error-watch-alert")
            .status(working)
            .withData("lastSuccessAt", String.valueOf(outcome.lastSuccessAt()))
            .withData("consecutiveFailures", outcome.consecutiveFailures())
            .withData("buckets", windows.bucketCount());
    if (outcome.state() != null) {
      response
          .withData("status", outcome.state().status().name())
          .withData("evaluatedThrough", String.valueOf(outcome.state().evaluatedThrough()));
    }
    if (outcome.lastFailure() != null) {
      response
          .withData("lastFailure", outcome.lastFailure())
          .withData("lastFailureAt", String.valueOf(outcome.lastFailureAt()));
    }
    return response.build();
  }
}
