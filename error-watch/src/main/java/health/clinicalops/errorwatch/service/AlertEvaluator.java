package health.clinicalops.errorwatch.service;

import health.clinicalops.errorwatch.config.ErrorWatchConfig;
import health.clinicalops.errorwatch.domain.AlertState;
import health.clinicalops.errorwatch.domain.AlertStatus;
import health.clinicalops.errorwatch.domain.Counts;
import health.clinicalops.errorwatch.domain.SpikeDecision;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.ErrorSpikeEvidence;
import health.clinicalops.opskit.evidence.Runbooks;
import health.clinicalops.opskit.journal.RunbookJournal;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The runbook's trigger as a state machine over event time: at the end of each bucket, the error
 * ratio of the trailing ratio window (with at least {@code min-requests}) is compared with the
 * threshold; above it continuously for the duration → the alert fires (once), the decision is taken
 * (once) and a P2 incident opened. It resolves only after the ratio stayed below the lower resolve
 * threshold for the resolve time (hysteresis). Optionally, multi-window burn rates fire it too. The
 * state is persisted after every change, so a restart continues where it was.
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
    long bucket = windows.bucketMillis();
    long now = clock.millis();
    long last = Math.floorDiv(now - config.windows().allowedLateness().toMillis(), bucket) * bucket;
    long start;
    if (state.evaluatedThrough() == null) {
      Long earliest = windows.earliestBucket();
      start = earliest == null ? last : Math.min(last, earliest + bucket);
    } else {
      start = state.evaluatedThrough().toEpochMilli() + bucket;
    }
    start = Math.max(start, last - config.windows().retention().toMillis());
    for (long t = start; t <= last; t += bucket) {
      step(t);
    }
    if (start <= last) {
      state = with(state, Instant.ofEpochMilli(last));
      dirty = true;
    }
    if (state.status() == AlertStatus.FIRING && !state.decided()) {
      decide();
    }
    persistIfDirty();
    metrics.alertState(state.status());
    windows.dropBefore(now - config.windows().retention().toMillis());
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

  private void step(long t) {
    ErrorWatchConfig.Alert alert = config.alert();
    Counts counts = windows.counts(t - alert.ratioWindow().toMillis(), t);
    boolean evidence = counts.requests() >= alert.minRequests();
    double ratio = counts.errorRatio();
    if (evidence) {
      lastRatio = ratio;
    }
    boolean burning = burnRateExceeded(t);
    boolean above = (evidence && ratio > alert.threshold()) || burning;
    boolean below = evidence && ratio < alert.resolveThreshold() && !burning;
    Instant at = Instant.ofEpochMilli(t);
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

  private boolean burnRateExceeded(long t) {
    ErrorWatchConfig.BurnRate burn = config.burnRate();
    if (!burn.enabled()) {
      return false;
    }
    double budget = 1 - burn.sloTarget();
    return burning(
            t,
            burn.fastLongWindow().toMillis(),
            burn.fastShortWindow().toMillis(),
            burn.fastFactor() * budget)
        || burning(
            t,
            burn.slowLongWindow().toMillis(),
            burn.slowShortWindow().toMillis(),
            burn.slowFactor() * budget);
  }

  private boolean burning(long t, long longWindow, long shortWindow, double ratio) {
    Counts shortCounts = windows.counts(t - shortWindow, t);
    if (shortCounts.requests() < config.alert().minRequests() || shortCounts.errorRatio() < ratio) {
      return false;
    }
    return windows.counts(t - longWindow, t).errorRatio() >= ratio;
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
