package health.clinicalops.errorwatch.service;

import health.clinicalops.errorwatch.domain.AlertStatus;
import health.clinicalops.errorwatch.domain.Counts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * error-watch's meters ({@code clinicalops_error_watch_*}, Prometheus at /q/metrics): log lines
 * ingested and skipped, the error ratios, the alert's state, alerts fired and failed evaluations.
 * Created at start, so the counters are exposed (at 0) before the first event.
 */
@Startup
@ApplicationScoped
public class ErrorWatchMetrics {

  private static final String PREFIX = "clinicalops_error_watch_";

  /** Values per dimension with an error-ratio series: the busiest ones, to bound the series. */
  private static final int TOP_VALUES = 50;

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Counter linesIngested;
  private final Counter parseFailures;
  private final Counter alertsFired;
  private final Counter evaluationFailures;
  private final AtomicInteger alertState = new AtomicInteger();
  private final MultiGauge errorRatio;

  ErrorWatchMetrics(MeterRegistry registry) {
    this.registry = registry;
    linesIngested = counter("lines_ingested_total", "App log lines accepted");
    parseFailures =
        counter("parse_failures_total", "App log lines that did not parse and were skipped");
    alertsFired = counter("alerts_fired_total", "Error-rate alerts fired");
    evaluationFailures =
        counter(
            "alert_evaluation_failures_total",
            "Alert evaluations that failed (the alert state unreadable or not stored)");
    keep(
        Gauge.builder(PREFIX + "alert_state", alertState, AtomicInteger::get)
            .description("State of the error-rate alert: 0 OK, 1 PENDING, 2 FIRING")
            .strongReference(true)
            .register(registry));
    errorRatio =
        MultiGauge.builder(PREFIX + "error_ratio")
            .description("Error ratio (errors / requests) per window, overall and per dimension")
            .register(registry);
  }

  private Counter counter(String name, String description) {
    return keep(Counter.builder(PREFIX + name).description(description).register(registry));
  }

  private <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }

  /**
   * Removes this instance's meters: the registry may outlive the application (tests restart it in
   * one JVM), and a gauge left behind would keep reading this instance's stale value.
   */
  @PreDestroy
  void removeMeters() {
    errorRatio.register(List.of(), true);
    meters.forEach(registry::remove);
    meters.clear();
  }

  /** A batch of log lines ingested: the lines accepted and those skipped as unparsable. */
  public void ingested(long accepted, long rejected) {
    linesIngested.increment(accepted);
    parseFailures.increment(rejected);
  }

  public void alertFired() {
    alertsFired.increment();
  }

  /** An alert evaluation that threw: the alert state could not be read or stored. */
  public void alertEvaluationFailed() {
    evaluationFailures.increment();
  }

  public void alertState(AlertStatus status) {
    alertState.set(status.ordinal());
  }

  /**
   * Replaces the error-ratio series: overall per window, and over {@code dimensionWindow} per value
   * of each dimension (the {@value #TOP_VALUES} values with the most requests).
   */
  public void errorRatios(
      Map<String, Counts> overallByWindow,
      String dimensionWindow,
      Map<String, Map<String, Counts>> byDimension) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    overallByWindow.forEach(
        (window, counts) ->
            rows.add(
                MultiGauge.Row.of(
                    Tags.of("window", window, "dimension", "overall", "value", "all"),
                    counts.errorRatio())));
    byDimension.forEach(
        (dimension, byValue) ->
            byValue.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue().requests(), a.getValue().requests()))
                .limit(TOP_VALUES)
                .forEach(
                    e ->
                        rows.add(
                            MultiGauge.Row.of(
                                Tags.of(
                                    "window",
                                    dimensionWindow,
                                    "dimension",
                                    dimension,
                                    "value",
                                    e.getKey()),
                                e.getValue().errorRatio()))));
    errorRatio.register(rows, true);
  }
}
