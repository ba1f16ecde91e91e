package health.clinicalops.rollbackorchestrator.rollback.service;

import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import java.net.URI;
import java.time.Instant;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * The RESTORE step of {@code restore-method=http-hook}: asks the provider's hook for a restore of
 * the app database to a point in time, and tells the step what happened.
 */
@ApplicationScoped
public class PointInTimeRestore {

  private final RestoreHookClient hook;
  private final PgTools tools;
  private final OrchestratorConfig.DatabaseRollback config;

  PointInTimeRestore(RestoreHookClient hook, PgTools tools, OrchestratorConfig config) {
    this.hook = hook;
    this.tools = tools;
    this.config = config.databaseRollback();
  }

  /** Asks the provider's hook for a point-in-time restore; a 2xx answer means it is done. */
  public String restore(Instant pointInTime, long rollbackId) throws DatabaseStepFailed {
    String url =
        config
            .restoreHookUrl()
            .orElseThrow(
                () ->
                    new DatabaseStepFailed(
                        "restore-method http-hook needs"
                            + " clinicalops.rollback-orchestrator.database-rollback.restore-hook-url"));
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new DatabaseStepFailed("restore hook unreachable: " + e.getMessage());
    }
    var request =
        new RestoreHookApi.RestoreRequest(tools.databaseName(), pointInTime.toString(), rollbackId);
    try {
      hook.restore(uri, request);
      return "point-in-time restore to " + pointInTime + " by " + url;
    } catch (RestoreHookClient.HookRefused e) {
      throw new DatabaseStepFailed(e.getMessage());
    } catch (TimeoutException e) {
      throw new DatabaseStepFailed(
          "restore hook did not answer in time; the provider may still be restoring: check"
              + " before acting");
    } catch (CircuitBreakerOpenException e) {
      throw new DatabaseStepFailed(
          "restore hook not called: it failed twice in a row just before (circuit breaker "
              + RestoreHookClient.BREAKER
              + " open for a minute)");
    } catch (ProcessingException | IllegalArgumentException e) {
      throw new DatabaseStepFailed("restore hook unreachable: " + rootMessage(e));
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
