package health.clinicalops.rollbackorchestrator.rollback.service;

import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * The outbound call to the point-in-time-restore hook, where its fault-tolerance policy sits.
 *
 * <p>No {@code @Retry}: the hook's contract (POST {@code {database, pointInTime, rollbackId}}, 2xx
 * = restored) promises no idempotency, and a failed call says nothing about what the provider did —
 * a timed-out or 5xx call may still be restoring, and a second call would start another restore
 * beside it. A failure therefore stops the procedure (maintenance stays on) for a person to check
 * and decide, as any failed step does. The timeout (by default the {@code command-timeout} default,
 * 15 min; MicroProfile config {@code
 * health.clinicalops.rollbackorchestrator.rollback.service.RestoreHookClient/restore/Timeout/value}
 * and {@code .../unit}) bounds a hung hook; the read timeout is {@code
 * database-rollback.command-timeout}. The circuit breaker opens after two failed calls in a row and
 * then refuses calls for a minute without reaching the provider.
 */
@ApplicationScoped
public class RestoreHookClient {

  static final String BREAKER = "restore-hook";

  private final Duration readTimeout;
  private final Map<URI, RestoreHookApi> clients = new ConcurrentHashMap<>();

  RestoreHookClient(OrchestratorConfig config) {
    this.readTimeout = config.databaseRollback().commandTimeout();
  }

  /** The hook answered, but not with a 2xx. */
  public static class HookRefused extends RuntimeException {
    private final int status;
    private final String body;

    HookRefused(int status, String body) {
      super("restore hook answered " + status + ": " + body);
      this.status = status;
      this.body = body;
    }

    public int status() {
      return status;
    }

    public String body() {
      return body;
    }
  }

  /**
   * Asks the hook at {@code hook} for a restore; returns when it answered 2xx.
   *
   * @throws HookRefused when it answered otherwise
   * @throws jakarta.ws.rs.ProcessingException when it cannot be reached
   */
  @Timeout(value = 15, unit = ChronoUnit.MINUTES)
  @CircuitBreaker(
      requestVolumeThreshold = 2,
      failureRatio = 1.0,
      delay = 1,
      delayUnit = ChronoUnit.MINUTES)
  @CircuitBreakerName(BREAKER)
  public void restore(URI hook, RestoreHookApi.RestoreRequest request) {
    try (Response response = client(hook).restore(request)) {
      if (response.getStatusInfo().getFamily() != Response.Status.Family.SUCCESSFUL) {
        throw new HookRefused(
            response.getStatus(), response.hasEntity() ? response.readEntity(String.class) : "");
      }
    }
  }

  private RestoreHookApi client(URI hook) {
    return clients.computeIfAbsent(
        hook,
        uri ->
            QuarkusRestClientBuilder.newBuilder()
                .baseUri(uri)
                .connectTimeout(10, TimeUnit.SECONDS)
                .readTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .followRedirects(false)
                // Any status is the hook's answer, told as HookRefused above, not a client error.
                .disableDefaultMapper(true)
                .build(RestoreHookApi.class));
  }
}
