package health.clinicalops.dbsentinel.service;

import health.clinicalops.dbsentinel.clients.LeaseCalls;
import health.clinicalops.dbsentinel.config.DbSentinelConfig;
import health.clinicalops.dbsentinel.domain.Cause;
import health.clinicalops.dbsentinel.domain.CircuitState;
import health.clinicalops.dbsentinel.domain.ConnectionStats;
import health.clinicalops.dbsentinel.domain.DatabaseActivity;
import health.clinicalops.dbsentinel.domain.DatabaseStatus;
import health.clinicalops.dbsentinel.domain.ProbeResult;
import health.clinicalops.opskit.opsstate.OpsStateWatcher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The probe loop: every probe interval it probes the primary (behind its circuit breaker) and the
 * backup, turns the results into a state, tries to hold the leader Lease, and lets the leader act
 * on the runbook. Followers probe and report only. The state is served by {@link #status()}.
 */
@ApplicationScoped
public class DatabaseSentinel {

  private static final Logger LOG = Logger.getLogger(DatabaseSentinel.class);

  private final DatabaseProbe probe;
  private final RunbookResponder responder;
  private final SentinelMetrics metrics;
  private final OpsStateWatcher watcher;
  private final CircuitBreakerMaintenance breakers;
  private final DbSentinelConfig config;
  private final Clock clock;
  private final PrimaryHealthTracker tracker;
  private final LeaseElection election;

  private volatile Observation last;
  private volatile Instant lastRoundAt;
  private volatile Instant loopStartedAt;
  private ScheduledExecutorService loop;

  DatabaseSentinel(
      DatabaseProbe probe,
      RunbookResponder responder,
      SentinelMetrics metrics,
      OpsStateWatcher watcher,
      CircuitBreakerMaintenance breakers,
      LeaseCalls leaseCalls,
      DbSentinelConfig config,
      Clock clock) {
    this.probe = probe;
    this.responder = responder;
    this.metrics = metrics;
    this.watcher = watcher;
    this.breakers = breakers;
    this.config = config;
    this.clock = clock;
    this.tracker = new PrimaryHealthTracker(config);
    DbSentinelConfig.Leader leader = config.leader();
    String identity =
        leader
            .identity()
            .or(() -> Optional.ofNullable(System.getenv("HOSTNAME")))
            .orElseGet(() -> "db-sentinel-" + UUID.randomUUID());
    this.election =
        new LeaseElection(
            leaseCalls,
            watcher.namespace(),
            leader.leaseName(),
            identity,
            leader.leaseDuration(),
            clock);
  }

  void onStart(@Observes StartupEvent startup) {
    loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "db-sentinel-probe");
              t.setDaemon(true);
              return t;
            });
    long periodMs = config.probe().interval().toMillis();
    loopStartedAt = Instant.now(clock);
    loop.scheduleAtFixedRate(this::round, 0, periodMs, TimeUnit.MILLISECONDS);
    LOG.infof(
        "probing the primary every %d ms%s; leader election %s as %s",
        periodMs,
        probe.hasBackup() ? " (and the backup)" : "",
        config.leader().enabled() ? "on" : "off",
        election.identity());
  }

  void onStop(@Observes ShutdownEvent shutdown) {
    if (loop != null) {
      loop.shutdownNow();
      try {
        loop.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (config.leader().enabled()) {
      election.release();
    }
  }

  void round() {
    try {
      ProbeResult primary = probePrimary();
      Optional<ProbeResult> backup = probe.probeBackup();
      Observation observation = tracker.observe(primary, backup);
      last = observation;
      if (!primary.reachable()) {
        metrics.probeFailed(primary.failureCause().wireValue());
      }
      boolean leader = !config.leader().enabled() || election.tryAcquireOrRenew();
      metrics.probed(observation, circuit(), leader);
      responder.respond(observation, leader);
    } catch (RuntimeException e) {
      // The loop must survive anything (a cluster API hiccup, a bug): log and probe again.
      LOG.error("probe round failed", e);
    } finally {
      lastRoundAt = Instant.now(clock);
    }
  }

  private ProbeResult probePrimary() {
    try {
      return probe.probePrimary();
    } catch (ProbeFailedException e) {
      return e.result();
    } catch (CircuitBreakerOpenException e) {
      return ProbeResult.failed(
          Cause.CIRCUIT_OPEN, "probe circuit open: waiting for its delay", Instant.now(clock));
    } catch (RuntimeException e) {
      Cause cause = e instanceof TimeoutException ? Cause.TIMEOUT : FailureClassifier.classify(e);
      return ProbeResult.failed(cause, e.toString(), Instant.now(clock));
    }
  }

  /** The current status, or empty before the first probe has finished. */
  public Optional<DatabaseStatus> status() {
    Observation o = last;
    if (o == null) {
      return Optional.empty();
    }
    return Optional.of(
        new DatabaseStatus(
            o.state(),
            o.cause(),
            circuit(),
            o.primaryAnswering() ? o.latencyMs() : null,
            o.primaryAnswering() ? o.lastActivity().connections() : ConnectionStats.UNKNOWN,
            watcher.current().databaseTarget(),
            o.since()));
  }

  /** The activity seen by the last successful probe. */
  public DatabaseActivity activity() {
    Observation o = last;
    return o == null ? DatabaseActivity.NONE : o.lastActivity();
  }

  public CircuitState circuit() {
    return switch (breakers.currentState(DatabaseProbe.PRIMARY_CIRCUIT)) {
      case OPEN -> CircuitState.OPEN;
      case HALF_OPEN -> CircuitState.HALF_OPEN;
      default -> CircuitState.CLOSED;
    };
  }

  /** Whether this replica may write: the Lease holder, or the only replica (election off). */
  public boolean isWriter() {
    return !config.leader().enabled() || election.isLeader();
  }

  public LeaseElection election() {
    return election;
  }

  /**
   * True while the probe loop runs and has finished a round recently (within three intervals plus
   * the probe's worst case): the sentinel can watch, whatever the database's state.
   */
  public boolean isWatching() {
    Instant round = lastRoundAt != null ? lastRoundAt : loopStartedAt;
    if (loop == null || loop.isShutdown() || round == null) {
      return false;
    }
    Duration allowed =
        config.probe().interval().multipliedBy(3).plus(config.probe().timeout().multipliedBy(6));
    return Duration.between(round, Instant.now(clock)).compareTo(allowed) <= 0;
  }

  public Optional<Instant> lastRoundAt() {
    return Optional.ofNullable(lastRoundAt);
  }
}
