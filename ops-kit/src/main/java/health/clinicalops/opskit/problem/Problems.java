package health.clinicalops.opskit.problem;

import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;

/** Builds problem+json responses; the one place that sets the media type and Retry-After. */
public final class Problems {

  private Problems() {}

  public static Response response(Problem problem) {
    return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
  }

  public static Response response(String slug, String title, int status, String detail) {
    return response(Problem.of(slug, title, status, detail));
  }

  public static Response withRetryAfter(Problem problem, Duration retryAfter) {
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    return Response.status(problem.status())
        .type(Problem.MEDIA_TYPE)
        .header("Retry-After", seconds)
        .entity(problem)
        .build();
  }

  public static Problem validation(String detail, List<Problem.Violation> violations) {
    return new Problem(
        Problem.type("validation"), "Invalid request", 400, detail, null, violations);
  }
}
