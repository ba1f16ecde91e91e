package health.clinicalops.dbsentinel.health;

import health.clinicalops.dbsentinel.service.DatabaseSentinel;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while db-sentinel can watch: its probe loop runs and has finished a round recently. The
 * database's own state is data here, never the verdict: the sentinel stays UP through an outage
 * because handling the outage is its job.
 */
@Readiness
@ApplicationScoped
public class DatabaseWatchReadinessCheck implements HealthCheck {

  private final DatabaseSentinel sentinel;

  DatabaseWatchReadinessCheck(DatabaseSentinel sentinel) {
    this.sentinel = sentinel;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named("database-watch").status(sentinel.isWatching());
    sentinel.lastRoundAt().ifPresent(at -> response.withData("lastProbeAt", at.toString()));
    sentinel
        .status()
        .ifPresent(
            status ->
                response
                    .withData("database", status.state().wireValue())
                    .withData("cause", status.cause().wireValue())
                    .withData("circuit", status.circuit().wireValue())
                    .withData("target", status.target().wireValue()));
    response.withData("writer", sentinel.isWriter());
    return response.build();
  }
}
