package health.clinicalops.auditkeeper.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The {@code clinicalops_audit_keeper_*} meters (Prometheus at /q/metrics). */
@ApplicationScoped
public class AuditKeeperMetrics {

  private final Counter accepted;
  private final Counter written;
  private final Counter spooled;
  private final Counter replayed;
  private final Counter replayFailures;
  private final Counter quarantined;

  /**
   * What the gauges read. Static on purpose: a registry that outlives the application (a test JVM
   * that restarts Quarkus) hands back the gauge registered first, and it must read this run's
   * values, not a stopped application's beans. One application per JVM in production.
   */
  static final class GaugeValues {
    final AtomicLong probeOk = new AtomicLong(-1);
    final AtomicLong databaseSize = new AtomicLong(-1);
    final AtomicLong databaseQuota = new AtomicLong(-1);
    final AtomicLong lastArchiveEpoch = new AtomicLong(0);
    final AtomicLong lastArchiveRows = new AtomicLong(0);
    final AtomicReference<EventSpool> spool = new AtomicReference<>();

    double spoolDepth() {
      EventSpool s = spool.get();
      return s == null ? 0 : s.depth();
    }

    double oldestAgeSeconds() {
      EventSpool s = spool.get();
      return s == null ? 0 : s.oldestAge().map(Duration::toMillis).orElse(0L) / 1000.0;
    }

    double quotaRatio() {
      return databaseQuota.get() <= 0 || databaseSize.get() < 0
          ? 0
          : (double) databaseSize.get() / databaseQuota.get();
    }

    void reset(EventSpool current) {
      probeOk.set(-1);
      databaseSize.set(-1);
      databaseQuota.set(-1);
      lastArchiveEpoch.set(0);
      lastArchiveRows.set(0);
      spool.set(current);
    }
  }

  private static final GaugeValues VALUES = new GaugeValues();

  private final AtomicLong probeOk = VALUES.probeOk;
  private final AtomicLong databaseSize = VALUES.databaseSize;
  private final AtomicLong databaseQuota = VALUES.databaseQuota;
  private final AtomicLong lastArchiveEpoch = VALUES.lastArchiveEpoch;
  private final AtomicLong lastArchiveRows = VALUES.lastArchiveRows;
  private final AtomicReference<Instant> lastProbeAt = new AtomicReference<>();

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();

  AuditKeeperMetrics(MeterRegistry registry, EventSpool spool) {
    this.registry = registry;
    VALUES.reset(spool);
    accepted =
        keep(
            Counter.builder("clinicalops_audit_keeper_events_accepted_total")
                .description("Audit events acknowledged with 201 or 202")
                .register(registry));
    written =
        keep(
            Counter.builder("clinicalops_audit_keeper_events_written_total")
                .description("Audit events committed to \"AuditLog\" directly")
                .register(registry));
    spooled =
        keep(
            Counter.builder("clinicalops_audit_keeper_events_spooled_total")
                .description("Audit events fsync'd to the local spool because the database failed")
                .register(registry));
    replayed =
        keep(
            Counter.builder("clinicalops_audit_keeper_events_replayed_total")
                .description("Spooled audit events replayed into \"AuditLog\"")
                .register(registry));
    replayFailures =
        keep(
            Counter.builder("clinicalops_audit_keeper_replay_failures_total")
                .description("Replays of the spool into \"AuditLog\" that failed")
                .register(registry));
    quarantined =
        keep(
            Counter.builder("clinicalops_audit_keeper_events_quarantined_total")
                .description(
                    "Spooled audit events the database refused for good, set aside in the"
                        + " quarantine file")
                .register(registry));
    keep(
        Gauge.builder("clinicalops_audit_keeper_spool_depth", VALUES, GaugeValues::spoolDepth)
            .description("Events in the spool not yet in the database")
            .register(registry));
    keep(
        Gauge.builder(
                "clinicalops_audit_keeper_spool_oldest_age_seconds",
                VALUES,
                GaugeValues::oldestAgeSeconds)
            .description("Age of the oldest spooled event not yet replayed")
            .register(registry));
    keep(
        Gauge.builder("clinicalops_audit_keeper_probe_ok", probeOk, AtomicLong::get)
            .description("Last write probe: 1 ok, 0 failed, -1 not run yet")
            .register(registry));
    keep(
        Gauge.builder("clinicalops_audit_keeper_database_size_bytes", databaseSize, AtomicLong::get)
            .description("pg_database_size of the app's database at the last probe")
            .register(registry));
    keep(
        Gauge.builder(
                "clinicalops_audit_keeper_database_quota_bytes", databaseQuota, AtomicLong::get)
            .description("The configured storage quota")
            .register(registry));
    keep(
        Gauge.builder(
                "clinicalops_audit_keeper_database_quota_ratio", VALUES, GaugeValues::quotaRatio)
            .description("Database size divided by the quota")
            .register(registry));
    keep(
        Gauge.builder(
                "clinicalops_audit_keeper_last_archive_timestamp_seconds",
                lastArchiveEpoch,
                AtomicLong::get)
            .description("When the last archive deleted rows (epoch seconds; 0 never)")
            .register(registry));
    keep(
        Gauge.builder(
                "clinicalops_audit_keeper_last_archive_rows", lastArchiveRows, AtomicLong::get)
            .description("Rows archived and deleted by the last archive")
            .register(registry));
  }

  private <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }

  /**
   * Removes this instance's meters, so a restarted application (tests) registers its own gauges
   * instead of finding ones bound to the beans of the stopped one.
   */
  @PreDestroy
  void unregister() {
    meters.forEach(registry::remove);
  }

  public void accepted(int n) {
    accepted.increment(n);
  }

  public void written(int n) {
    written.increment(n);
  }

  public void spooled(int n) {
    spooled.increment(n);
  }

  public void replayed(int n) {
    replayed.increment(n);
  }

  public void replayFailed() {
    replayFailures.increment();
  }

  public void quarantined(int n) {
    quarantined.increment(n);
  }

  public void probe(boolean ok, Instant at) {
    probeOk.set(ok ? 1 : 0);
    lastProbeAt.set(at);
  }

  public void databaseSize(long size, long quota) {
    databaseSize.set(size);
    databaseQuota.set(quota);
  }

  public void archived(long rows, Instant at) {
    lastArchiveRows.set(rows);
    lastArchiveEpoch.set(at.getEpochSecond());
  }

  public long probeOk() {
    return probeOk.get();
  }

  public Instant lastProbeAt() {
    return lastProbeAt.get();
  }

  public long databaseSize() {
    return databaseSize.get();
  }

  public long databaseQuota() {
    return databaseQuota.get();
  }
}
