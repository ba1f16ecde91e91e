package health.clinicalops.errorwatch.service;

import health.clinicalops.errorwatch.config.ErrorWatchConfig;
import health.clinicalops.errorwatch.domain.AlertState;
import health.clinicalops.errorwatch.domain.AlertStatus;
import health.clinicalops.errorwatch.domain.SpikeDecision;
import health.clinicalops.errorwatch.domain.SpikeRule;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.ErrorSpikeEvidence;
import health.clinicalops.opskit.evidence.Runbooks;
import health.clinicalops.opskit.journal.RunbookJournal;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The runbook's trigger as a state machine over event time: at the end of each bucket, the error
 * ratio of the trailing ratio window (with at least {@code min-requests}) is compared with the
 * threshold; above it continuously for the duration → the alert fires (once), the decision is taken
 * (once) and a P2 incident opened. It resolves only after the ratio stayed below the lower resolve
 * threshold for the resolve time (hysteresis). Optionally, multi-window burn rates fire it too. The
 * window arithmetic (which bucket ends are due, what the windows say at each) is {@link SpikeRule};
 * this class keeps the state, persisted after every change, so a restart continues where it was.
 */
@ApplicationScoped
public class AlertEvaluator {

  private static final Logger LOG = Logger.getLogger(AlertEvaluator.class);

  private final ErrorWatchConfig config;
  private final ErrorWindows windows;
  private final AlertStore store;
  private final SpikeDiagnosis diagnosis;
  private final RunbookJournal journal;
  private final Clock clock;
  private final ErrorWatchMetrics metrics;
  private final SpikeRule rule;

  private AlertState state;
  private boolean dirty;
  private String lastStoreFailure;
  private double lastRatio;

  AlertEvaluator(
      ErrorWatchConfig config,
      ErrorWindows windows,
      AlertStore store,
      SpikeDiagnosis diagnosis,
      RunbookJournal journal,
      Clock clock,
      ErrorWatchMetrics metrics) {
    this.config = config;
    this.windows = windows;
    this.store = store;
    this.diagnosis = diagnosis;
    this.journal = journal;
    this.clock = clock;
    this.metrics = metrics;
    this.rule = new SpikeRule(SpikeRule.Thresholds.of(config.alert(), config.burnRate()));
  }

  /** The current state (loaded from the database on first use). */
  public synchronized AlertState state() {
    ensureLoaded();
    return state;
  }

  /** The error ratio at the last evaluated bucket end. */
  public synchronized double lastRatio() {
    return lastRatio;
  }

  /**
   * Evaluates every complete bucket since the last evaluation.
   *
   * @throws IllegalStateException when the alert state cannot be read or stored (the evaluation did
   *     not happen, or its result would be lost on a restart)
   */
  public synchronized void evaluate() {
    if (!ensureLoaded()) {
      throw new IllegalStateException("alert state unreadable: " + lastStoreFailure);
    }
    Instant now = clock.instant();
    SpikeRule.BucketEnds due =
        SpikeRule.dueBucketEnds(
            now,
            Duration.ofMillis(windows.bucketMillis()),
            config.windows().allowedLateness(),
            config.windows().retention(),
            Optional.ofNullable(state.evaluatedThrough()),
            Optional.ofNullable(windows.earliestBucket()).map(Instant::ofEpochMilli));
    for (Instant bucketEnd : due.all()) {
      step(bucketEnd);
    }
    if (!due.isEmpty()) {
      state = with(state, due.last());
      dirty = true;
    }
    if (state.status() == AlertStatus.FIRING && !state.decided()) {
      decide();
    }
    persistIfDirty();
    metrics.alertState(state.status());
    windows.dropBefore(now.toEpochMilli() - config.windows().retention().toMillis());
    if (dirty) {
      throw new IllegalStateException("alert state not stored: " + lastStoreFailure);
    }
  }

  /** An operator ends the alert (e.g. after handling it by hand). */
  public synchronized boolean resolveManually(String by, String reason) {
    if (!ensureLoaded() || state.status() == AlertStatus.OK) {
      return false;
    }
    if (state.status() == AlertStatus.FIRING) {
      resolve(clock.instant(), "resolved by " + by + ": " + reason);
    }
    state =
        new AlertState(
            AlertStatus.OK,
            state.alertId(),
            null,
            null,
            null,
            state.evaluatedThrough(),
            state.decided());
    dirty = true;
    persistIfDirty();
    metrics.alertState(state.status());
    return true;
  }

  private void step(Instant at) {
    ErrorWatchConfig.Alert alert = config.alert();
    SpikeRule.Reading reading = rule.read(at, windows::counts);
    double ratio = reading.ratio();
    if (reading.enoughRequests()) {
      lastRatio = ratio;
    }
    boolean burning = reading.burning();
    boolean above = reading.above();
    boolean below = reading.below();
    switch (state.status()) {
      case OK -> {
        if (above) {
          state = new AlertState(AlertStatus.PENDING, null, at, null, null, null, false);
          dirty = true;
        }
      }
      case PENDING -> {
        if (!above) {
          state = new AlertState(AlertStatus.OK, state.alertId(), null, null, null, null, false);
          dirty = true;
        } else if (burning || !at.isBefore(state.pendingSince().plus(alert.duration()))) {
          fire(at, ratio);
        }
      }
      case FIRING -> {
        if (below) {
          Instant since = state.resolvePendingSince() == null ? at : state.resolvePendingSince();
          if (!at.isBefore(since.plus(alert.resolveAfter()))) {
            resolve(
                at,
                String.format(
                    "error ratio %.1f%% below %.1f%% for %s",
                    100 * ratio, 100 * alert.resolveThreshold(), alert.resolveAfter()));
            state = new AlertState(AlertStatus.OK, state.alertId(), null, null, null, null, true);
          } else if (state.resolvePendingSince() == null) {
            state = withResolvePending(state, at);
          }
          dirty = true;
        } else if (state.resolvePendingSince() != null) {
          state = withResolvePending(state, null);
          dirty = true;
        }
      }
    }
  }

  private void fire(Instant at, double ratio) {
    state =
        new AlertState(
            AlertStatus.FIRING, UUID.randomUUID(), state.pendingSince(), at, null, at, false);
    metrics.alertFired();
    LOG.warnf(
        "error-watch: error ratio %.1f%% above %.1f%% since %s: alert %s fired",
        100 * ratio, 100 * config.alert().threshold(), state.pendingSince(), state.alertId());
    try {
      store.fire(state, ratio, clock.instant());
      dirty = false;
    } catch (SQLException e) {
      LOG.errorf("error-watch: alert state not stored (will retry): %s", e.getMessage());
      lastStoreFailure = e.getMessage();
      dirty = true;
    }
    decide();
  }

  private void decide() {
    double ratio = lastRatio;
    SpikeDecision decision = diagnosis.decide(state.pendingSince(), state.firingSince(), ratio);
    ErrorSpikeEvidence evidence =
        decision
            .evidence()
            .withDecision(
                state.alertId().toString(),
                decision.cause().name(),
                decision.summary(),
                decision.rollbackRequested());
    journal
        .incident(
            dedupKey(state.alertId()),
            Severity.P2,
            String.format(
                "Error rate spike: %.1f%% errors for %s (%s)",
                100 * ratio,
                config.alert().duration(),
                decision.cause().name().toLowerCase().replace('_', '-')),
            evidence)
        .step("decision." + decision.cause().name().toLowerCase(), decision.summary());
    state =
        new AlertState(
            state.status(),
            state.alertId(),
            state.pendingSince(),
            state.firingSince(),
            state.resolvePendingSince(),
            state.evaluatedThrough(),
            true);
    dirty = true;
    try {
      store.recordDecision(
          state.alertId(),
          decision.cause().name(),
          decision.summary(),
          decision.rollbackRequested());
      persistIfDirty();
    } catch (SQLException e) {
      LOG.errorf("error-watch: decision not stored (will retry the state): %s", e.getMessage());
    }
  }

  private void resolve(Instant at, String detail) {
    UUID alertId = state.alertId();
    try {
      store.resolve(alertId, at);
    } catch (SQLException e) {
      LOG.errorf("error-watch: alert resolution not stored: %s", e.getMessage());
    }
    journal
        .incident(
            dedupKey(alertId),
            Severity.P2,
            "Error rate spike resolved",
            ErrorSpikeEvidence.resolved(alertId.toString(), at))
        .resolve(detail);
  }

  /** One incident per alert. */
  String dedupKey(UUID alertId) {
    return journal.dedupKey(Runbooks.ERROR_RATE_SPIKE, alertId);
  }

  private boolean ensureLoaded() {
    if (state != null) {
      return true;
    }
    try {
      state = store.load().orElse(AlertState.initial());
      metrics.alertState(state.status());
      return true;
    } catch (SQLException e) {
      LOG.errorf("error-watch: alert state unreadable, not evaluating: %s", e.getMessage());
      lastStoreFailure = e.getMessage();
      return false;
    }
  }

  private void persistIfDirty() {
    if (!dirty) {
      return;
    }
    try {
      store.save(state, clock.instant());
      dirty = false;
    } catch (SQLException e) {
      LOG.errorf("error-watch: alert state not stored (will retry): %s", e.getMessage());
      lastStoreFailure = e.getMessage();
    }
  }

  private static AlertState with(AlertState s, Instant evaluatedThrough) {
    return new AlertState(
        s.status(),
        s.alertId(),
        s.pendingSince(),
        s.firingSince(),
        s.resolvePendingSince(),
        evaluatedThrough,
        s.decided());
  }

  private static AlertState withResolvePending(AlertState s, Instant since) {
    return new AlertState(
        s.status(),
        s.alertId(),
        s.pendingSince(),
        s.firingSince(),
        since,
        s.evaluatedThrough(),
        s.decided());
  }
}
