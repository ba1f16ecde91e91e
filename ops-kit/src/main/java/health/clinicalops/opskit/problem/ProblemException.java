package health.clinicalops.opskit.problem;

import java.time.Duration;
import java.util.Optional;

/**
 * Thrown by services when a request is refused for a reason the caller should read: mapped to
 * {@code application/problem+json} with the status given. Use the factories, not the constructor.
 */
public class ProblemException extends RuntimeException {

  private final int status;
  private final String slug;
  private final String title;
  private final Optional<Duration> retryAfter;

  public ProblemException(
      int status, String slug, String title, String detail, Optional<Duration> retryAfter) {
    super(detail);
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.retryAfter = retryAfter;
  }

  public static ProblemException badRequest(String detail) {
    return new ProblemException(400, "bad-request", "Bad request", detail, Optional.empty());
  }

  /** The caller is known but may not do this (the security layer's own 403s look the same). */
  public static ProblemException forbidden(String detail) {
    return new ProblemException(403, "forbidden", "Forbidden", detail, Optional.empty());
  }

  public static ProblemException notFound(String detail) {
    return new ProblemException(404, "not-found", "Not found", detail, Optional.empty());
  }

  public static ProblemException conflict(String detail) {
    return new ProblemException(409, "conflict", "Conflict", detail, Optional.empty());
  }

  public static ProblemException unprocessable(String detail) {
    return new ProblemException(422, "rule-refused", "Refused by a rule", detail, Optional.empty());
  }

  public static ProblemException tooManyRequests(String detail, Duration retryAfter) {
    return new ProblemException(
        429, "rate-limited", "Too many requests", detail, Optional.of(retryAfter));
  }

  public static ProblemException unavailable(String detail, Duration retryAfter) {
    return new ProblemException(
        503, "unavailable", "Service unavailable", detail, Optional.of(retryAfter));
  }

  public int status() {
    return status;
  }

  public String slug() {
    return slug;
  }

  public String title() {
    return title;
  }

  public Optional<Duration> retryAfter() {
    return retryAfter;
  }
}
