package health.clinicalops.opskit.problem;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ValidationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error a resource can raise becomes an RFC 9457 problem. Bad input is a 4xx with a detail
 * the caller can act on; only a real fault is a 500, and its detail is an id to find in our logs.
 */
public class ProblemExceptionMappers {

  private static final Logger LOG = Logger.getLogger(ProblemExceptionMappers.class);

  @ServerExceptionMapper
  public Response problem(ProblemException e) {
    Problem problem = Problem.of(e.slug(), e.title(), e.status(), e.getMessage());
    return e.retryAfter()
        .map(after -> Problems.withRetryAfter(problem, after))
        .orElseGet(() -> Problems.response(problem));
  }

  @ServerExceptionMapper
  public Response validation(ConstraintViolationException e) {
    List<Problem.Violation> violations =
        e.getConstraintViolations().stream()
            .map(
                v ->
                    new Problem.Violation(
                        fieldName(v.getPropertyPath().toString()), v.getMessage()))
            .sorted(Comparator.comparing(Problem.Violation::field))
            .toList();
    String detail =
        violations.stream()
            .map(v -> v.field() + ": " + v.message())
            .reduce((a, b) -> a + "; " + b)
            .orElse("the request is not valid");
    return Problems.response(Problems.validation(detail, violations));
  }

  @ServerExceptionMapper
  public Response validation(ValidationException e) {
    return Problems.response("validation", "Invalid request", 400, e.getMessage());
  }

  @ServerExceptionMapper
  public Response malformedJson(JsonProcessingException e) {
    return Problems.response("malformed-json", "Malformed JSON", 400, describe(e));
  }

  @ServerExceptionMapper
  public Response mismatchedJson(MismatchedInputException e) {
    return Problems.response("malformed-json", "Malformed JSON", 400, describe(e));
  }

  @ServerExceptionMapper
  public Response unauthorized(UnauthorizedException e) {
    return unauthenticated();
  }

  @ServerExceptionMapper
  public Response unauthorized(AuthenticationFailedException e) {
    return unauthenticated();
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e) {
    return Problems.response(
        "forbidden", "Forbidden", 403, "this call needs a role your token does not have");
  }

  @ServerExceptionMapper
  public Response webApplication(WebApplicationException e) {
    if (e.getCause() instanceof JsonProcessingException json) {
      return malformedJson(json);
    }
    Response original = e.getResponse();
    int status = original.getStatus();
    if (status >= 500) {
      return internal(e);
    }
    Response.StatusType info = original.getStatusInfo();
    String title = info.getReasonPhrase() == null ? "HTTP " + status : info.getReasonPhrase();
    String detail = e.getMessage() == null ? title : e.getMessage();
    Response.ResponseBuilder builder =
        Response.status(status)
            .type(Problem.MEDIA_TYPE)
            .entity(Problem.of(slug(title), title, status, detail));
    original
        .getHeaders()
        .forEach(
            (name, values) -> {
              if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
                values.forEach(v -> builder.header(name, v));
              }
            });
    return builder.build();
  }

  @ServerExceptionMapper(priority = Integer.MAX_VALUE)
  public Response internal(Throwable e) {
    String errorId = UUID.randomUUID().toString();
    LOG.errorf(e, "unhandled error %s", errorId);
    return Problems.response(
        "internal", "Internal error", 500, "unexpected error; reference " + errorId);
  }

  private static Response unauthenticated() {
    return Response.status(401)
        .type(Problem.MEDIA_TYPE)
        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"clinical-ops\"")
        .entity(
            Problem.of(
                "unauthenticated",
                "Unauthenticated",
                401,
                "send a valid token as 'Authorization: Bearer <token>'"))
        .build();
  }

  private static String describe(JsonProcessingException e) {
    StringBuilder detail = new StringBuilder(e.getOriginalMessage());
    JsonLocation location = e.getLocation();
    if (location != null && location.getLineNr() > 0) {
      detail.append(" (line ").append(location.getLineNr());
      detail.append(", column ").append(location.getColumnNr()).append(')');
    }
    return detail.toString();
  }

  private static String fieldName(String propertyPath) {
    // "record.arg0.ip" -> "ip": the method and parameter are noise to a caller.
    String[] parts = propertyPath.split("\\.");
    return parts.length <= 2
        ? parts[parts.length - 1]
        : String.join(".", List.of(parts).subList(2, parts.length));
  }

  private static String slug(String title) {
    return title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
  }
}
