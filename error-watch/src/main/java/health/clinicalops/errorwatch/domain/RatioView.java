package health.clinicalops.errorwatch.domain;

import java.time.Instant;
import java.util.Map;

/** {@code GET /api/v1/errors/ratio}: the error ratio of a window, overall and per dimension. */
public record RatioView(
    Instant from,
    Instant to,
    Slice overall,
    Map<String, Slice> endpoints,
    Map<String, Slice> roles,
    Map<String, Slice> regions) {

  /** Requests, errors, 4xx and the ratios of one slice. */
  public record Slice(
      long requests, long errors, long clientErrors, double errorRatio, double clientErrorRatio) {
    public static Slice of(Counts c) {
      return new Slice(
          c.requests(), c.errors(), c.clientErrors(), c.errorRatio(), c.clientErrorRatio());
    }
  }
}
