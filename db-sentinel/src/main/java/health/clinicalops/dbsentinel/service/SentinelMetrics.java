package health.clinicalops.dbsentinel.service;

import health.clinicalops.dbsentinel.domain.CircuitState;
import health.clinicalops.dbsentinel.domain.DatabaseState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * db-sentinel's Prometheus metrics ({@code clinicalops_db_sentinel_*}): probe latency, state,
 * circuit state, connections by state, leadership, and time to detect / recover of the last
 * incident.
 */
@ApplicationScoped
public class SentinelMetrics {

  private static final String PREFIX = "clinicalops_db_sentinel_";

  private final MeterRegistry registry;
  private final Timer probeLatency;
  private final Map<DatabaseState, AtomicInteger> state = new ConcurrentHashMap<>();
  private final Map<CircuitState, AtomicInteger> circuit = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> connectionsByState = new ConcurrentHashMap<>();
  private final AtomicInteger connectionsUsed = new AtomicInteger();
  private final AtomicInteger connectionsMax = new AtomicInteger();
  private final AtomicInteger leader = new AtomicInteger();
  private final AtomicInteger backupReachable = new AtomicInteger();
  private final AtomicLong timeToDetectMs = new AtomicLong(-1);
  private final AtomicLong timeToRecoverMs = new AtomicLong(-1);
  private final Map<String, Counter> failures = new ConcurrentHashMap<>();
  private final List<Meter> meters = new CopyOnWriteArrayList<>();

  SentinelMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.probeLatency =
        keep(
            Timer.builder(PREFIX + "probe_latency")
                .description("Round trip of SELECT 1 on the primary")
                .register(registry));
    for (DatabaseState s : DatabaseState.values()) {
      AtomicInteger value = new AtomicInteger();
      state.put(s, value);
      gauge("state", Tags.of("state", s.wireValue()), value, "1 for the primary's current state");
    }
    for (CircuitState s : CircuitState.values()) {
      AtomicInteger value = new AtomicInteger();
      circuit.put(s, value);
      gauge(
          "circuit_state",
          Tags.of("state", s.wireValue()),
          value,
          "1 for the current state of the probe's circuit breaker");
    }
    gauge("connections_used", Tags.empty(), connectionsUsed, "Client connections in use");
    gauge("connections_max", Tags.empty(), connectionsMax, "Connection slots usable by the app");
    gauge("leader", Tags.empty(), leader, "1 while this replica holds the Lease");
    gauge("backup_reachable", Tags.empty(), backupReachable, "1 while the backup answers");
    keep(
        Gauge.builder(
                PREFIX + "last_incident_time_to_detect_seconds",
                timeToDetectMs,
                v -> v.get() < 0 ? Double.NaN : v.get() / 1000.0)
            .description("From the last answer of the primary to read-only mode and incident")
            .strongReference(true)
            .register(registry));
    keep(
        Gauge.builder(
                PREFIX + "last_incident_time_to_recover_seconds",
                timeToRecoverMs,
                v -> v.get() < 0 ? Double.NaN : v.get() / 1000.0)
            .description("From detection to the incident's resolution")
            .strongReference(true)
            .register(registry));
  }

  private void gauge(String name, Tags tags, AtomicInteger value, String description) {
    keep(
        Gauge.builder(PREFIX + name, value, AtomicInteger::get)
            .tags(tags)
            .description(description)
            .strongReference(true)
            .register(registry));
  }

  private <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }

  /**
   * Removes this instance's meters: the registry may outlive the application (tests restart it in
   * one JVM), and a meter left behind would keep reporting this instance's stale values.
   */
  @PreDestroy
  void removeMeters() {
    meters.forEach(registry::remove);
    meters.clear();
  }

  void probed(Observation observation, CircuitState circuitState, boolean isLeader) {
    if (observation.latencyMs() != null && observation.primaryAnswering()) {
      probeLatency.record(Duration.ofMillis(observation.latencyMs()));
    }
    state.forEach((s, v) -> v.set(s == observation.state() ? 1 : 0));
    circuit.forEach((s, v) -> v.set(s == circuitState ? 1 : 0));
    leader.set(isLeader ? 1 : 0);
    backupReachable.set(observation.backupHealthy() ? 1 : 0);
    if (observation.primaryAnswering()) {
      var connections = observation.lastActivity().connections();
      connectionsUsed.set(connections.used() == null ? 0 : connections.used());
      connectionsMax.set(connections.max() == null ? 0 : connections.max());
      connectionsByState.forEach((s, v) -> v.set(connections.byState().getOrDefault(s, 0)));
      connections.byState().forEach((s, count) -> connectionsByState(s).set(count));
    }
  }

  void probeFailed(String cause) {
    failures
        .computeIfAbsent(
            cause,
            c ->
                keep(
                    Counter.builder(PREFIX + "probe_failures_total")
                        .description("Failed probes of the primary, by cause")
                        .tag("cause", c)
                        .register(registry)))
        .increment();
  }

  void detected(Duration timeToDetect) {
    timeToDetectMs.set(timeToDetect.toMillis());
    timeToRecoverMs.set(-1);
  }

  void recovered(Duration timeToRecover) {
    timeToRecoverMs.set(timeToRecover.toMillis());
  }

  private AtomicInteger connectionsByState(String sessionState) {
    return connectionsByState.computeIfAbsent(
        sessionState,
        s -> {
          AtomicInteger value = new AtomicInteger();
          gauge("connections", Tags.of("state", s), value, "Client connections by session state");
          return value;
        });
  }
}
