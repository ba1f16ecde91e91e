package health.clinicalops.errorwatch.health;

import health.clinicalops.errorwatch.service.AlertEvaluator;
import health.clinicalops.errorwatch.service.ErrorWindows;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness: the alert state machine and what the windows hold. */
@Readiness
@ApplicationScoped
public class AlertEvaluationHealthCheck implements HealthCheck {

  private final AlertEvaluator evaluator;
  private final ErrorWindows windows;

  AlertEvaluationHealthCheck(AlertEvaluator evaluator, ErrorWindows windows) {
    this.evaluator = evaluator;
    this.windows = windows;
  }

  @Override
  public HealthCheckResponse call() {
    var state = evaluator.state();
    return HealthCheckResponse.named("error-watch-alert")
        .up()
        .withData("status", state.status().name())
        .withData("evaluatedThrough", String.valueOf(state.evaluatedThrough()))
        .withData("buckets", windows.bucketCount())
        .build();
  }
}
