package health.clinicalops.opskit.opsstate;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Whether this service serves a stale ops state, for every service that uses ops-kit: {@code
 * clinicalops_ops_state_stale} (1 while the ConfigMap's watch is down and the last known state is
 * enforced, 0 otherwise) and {@code clinicalops_ops_state_stale_seconds} (how long, 0 when not
 * stale). Alert on the seconds rather than the flag: fabric8 renews a healthy watch every 5 to 10
 * minutes, which reads as stale for about a second.
 */
@ApplicationScoped
public class OpsStateMetrics {

  static final String STALE = "clinicalops_ops_state_stale";
  static final String STALE_SECONDS = "clinicalops_ops_state_stale_seconds";

  private final OpsStateWatcher watcher;
  private final MeterRegistry registry;
  private final Clock clock;
  private final List<Meter> meters = new CopyOnWriteArrayList<>();

  OpsStateMetrics(OpsStateWatcher watcher, MeterRegistry registry, Clock clock) {
    this.watcher = watcher;
    this.registry = registry;
    this.clock = clock;
  }

  void register(@Observes StartupEvent startup) {
    keep(
        Gauge.builder(STALE, watcher, w -> w.freshness().stale() ? 1 : 0)
            .description(
                "1 while this service enforces its last known ops state because its watch of the"
                    + " ops-state ConfigMap is not connected (cluster API unreachable), 0 otherwise")
            .strongReference(true)
            .register(registry));
    keep(
        Gauge.builder(
                STALE_SECONDS,
                watcher,
                w -> w.freshness().staleFor(Instant.now(clock)).toMillis() / 1000.0)
            .description(
                "Seconds since the ops-state ConfigMap's watch was last seen connected while it is"
                    + " not; 0 while it is connected or before the first sync")
            .strongReference(true)
            .register(registry));
  }

  private void keep(Meter meter) {
    meters.add(meter);
  }

  /**
   * Removes the gauges, so a restarted application (tests) registers its own instead of finding
   * ones bound to the beans of the stopped one.
   */
  @PreDestroy
  void unregister() {
    meters.forEach(registry::remove);
    meters.clear();
  }
}
