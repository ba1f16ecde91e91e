package health.clinicalops.errorwatch.service;

import health.clinicalops.errorwatch.config.ErrorWatchConfig;
import health.clinicalops.errorwatch.domain.Counts;
import health.clinicalops.errorwatch.domain.ErrorTally;
import health.clinicalops.errorwatch.domain.RatioView;
import health.clinicalops.errorwatch.domain.TopError;
import health.clinicalops.opskit.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Answers the runbook's questions from the windows: top errors, ratios per dimension. */
@ApplicationScoped
public class ErrorQueryService {

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)([smhd])");

  private final ErrorWindows windows;
  private final ErrorWatchConfig config;
  private final Clock clock;
  private final ErrorWatchMetrics metrics;

  ErrorQueryService(
      ErrorWindows windows, ErrorWatchConfig config, Clock clock, ErrorWatchMetrics metrics) {
    this.windows = windows;
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Parses {@code 5m}, {@code 30s}, {@code 1h}, {@code 1d} or ISO-8601 ({@code PT5M}). */
  public Duration window(String text) {
    Duration window;
    Matcher m = SHORT_DURATION.matcher(text == null ? "" : text.trim());
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        window =
            switch (m.group(2)) {
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              default -> Duration.ofDays(n);
            };
      } else {
        window = Duration.parse(text);
      }
    } catch (DateTimeParseException
        | NumberFormatException
        | ArithmeticException
        | NullPointerException e) {
      throw ProblemException.badRequest("window must look like 30s, 5m, 1h or PT5M: " + text);
    }
    if (window.isNegative() || window.isZero()) {
      throw ProblemException.badRequest("window must be positive: " + text);
    }
    if (window.compareTo(config.windows().retention()) > 0) {
      throw ProblemException.badRequest(
          "window " + text + " is longer than the retention " + config.windows().retention());
    }
    return window;
  }

  public List<TopError> topErrors(Duration window, int limit) {
    long now = clock.millis();
    return windows.topErrors(now - window.toMillis(), now + 1, limit).stream()
        .map(TopError::of)
        .toList();
  }

  public RatioView ratio(Duration window) {
    long now = clock.millis();
    ErrorTally tally = windows.merged(now - window.toMillis(), now + 1);
    return new RatioView(
        java.time.Instant.ofEpochMilli(now - window.toMillis()),
        java.time.Instant.ofEpochMilli(now),
        RatioView.Slice.of(tally.overall()),
        slices(tally.byEndpoint()),
        slices(tally.byRole()),
        slices(tally.byRegion()));
  }

  /** Refreshes the error-ratio gauges (1m, 5m, 1h overall; 5m per dimension). */
  public void refreshGauges() {
    long now = clock.millis();
    Map<String, Counts> overall = new LinkedHashMap<>();
    for (String w : List.of("1m", "5m", "1h")) {
      overall.put(w, windows.counts(now - window(w).toMillis(), now + 1));
    }
    ErrorTally fiveMinutes = windows.merged(now - Duration.ofMinutes(5).toMillis(), now + 1);
    Map<String, Map<String, Counts>> byDimension = new LinkedHashMap<>();
    byDimension.put("endpoint", fiveMinutes.byEndpoint());
    byDimension.put("role", fiveMinutes.byRole());
    byDimension.put("region", fiveMinutes.byRegion());
    metrics.errorRatios(overall, "5m", byDimension);
  }

  private static Map<String, RatioView.Slice> slices(Map<String, Counts> counts) {
    Map<String, RatioView.Slice> slices = new TreeMap<>();
    counts.forEach((k, v) -> slices.put(k, RatioView.Slice.of(v)));
    return slices;
  }
}
