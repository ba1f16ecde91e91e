package health.clinicalops.authguard.health;

import health.clinicalops.authguard.store.ResilientWindowStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Redis, the shared counters. Its loss is handled (per-pod limits), so readiness stays UP and says
 * {@code fallback: true} with the number of fallback decisions.
 */
@Readiness
@ApplicationScoped
public class RedisReadinessCheck implements HealthCheck {

  private final ResilientWindowStore store;

  RedisReadinessCheck(ResilientWindowStore store) {
    this.store = store;
  }

  @Override
  public HealthCheckResponse call() {
    boolean fallback = store.inFallback();
    HealthCheckResponseBuilder builder =
        HealthCheckResponse.named("redis-rate-limit-store")
            .up()
            .withData("fallback", fallback)
            .withData("limits", fallback ? "per-pod (Redis lost)" : "shared (Redis)")
            .withData("fallbackDecisions", store.fallbackCount());
    if (fallback && store.fallbackSince() != null) {
      builder.withData("fallbackSince", store.fallbackSince().toString());
    }
    if (fallback && store.lastError() != null) {
      builder.withData("lastError", store.lastError());
    }
    return builder.build();
  }
}
