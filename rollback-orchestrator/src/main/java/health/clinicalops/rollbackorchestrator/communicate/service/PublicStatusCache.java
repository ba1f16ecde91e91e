package health.clinicalops.rollbackorchestrator.communicate.service;

import health.clinicalops.opskit.opsstate.OpsStateChanged;
import health.clinicalops.rollbackorchestrator.common.OrchestratorMetrics;
import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The public status as anonymous visitors get it (page, {@code /api/v2/*.json}, Atom): built once
 * per change, not per request. A change in this process (after its transaction commits) or of the
 * ops-state mode rebuilds it at the next request; {@code status-page.cache-ttl} bounds how long a
 * change written by another replica takes to show.
 */
@ApplicationScoped
public class PublicStatusCache {

  private record Built(StatusSnapshot snapshot, Instant at, long generation) {}

  private final StatusPageService statusPage;
  private final Duration ttl;
  private final Clock clock;
  private final OrchestratorMetrics metrics;
  private final AtomicLong generation = new AtomicLong();
  private volatile Built built;

  PublicStatusCache(
      StatusPageService statusPage,
      OrchestratorConfig config,
      Clock clock,
      OrchestratorMetrics metrics) {
    this.statusPage = statusPage;
    this.ttl = config.statusPage().cacheTtl();
    this.clock = clock;
    this.metrics = metrics;
  }

  public StatusSnapshot current() {
    Built now = built;
    if (fresh(now)) {
      return now.snapshot();
    }
    synchronized (this) {
      now = built;
      if (fresh(now)) {
        return now.snapshot();
      }
      long seen = generation.get();
      StatusSnapshot snapshot = statusPage.snapshot();
      metrics.statusBuilt();
      built = new Built(snapshot, Instant.now(clock), seen);
      return snapshot;
    }
  }

  private boolean fresh(Built b) {
    return b != null
        && b.generation() == generation.get()
        && Instant.now(clock).isBefore(b.at().plus(ttl));
  }

  void onIncidentChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) PublicStatusChanged e) {
    generation.incrementAndGet();
  }

  void onModeChange(@Observes OpsStateChanged e) {
    generation.incrementAndGet();
  }
}
