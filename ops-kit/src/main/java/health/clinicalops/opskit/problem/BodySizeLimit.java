package health.clinicalops.opskit.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses a body larger than {@code clinicalops.http.max-body-size} from its Content-Length, before
 * any of it is read or stored, with a 413 problem+json. It runs ahead of every other route. A
 * chunked body with no Content-Length is cut by Vert.x at the same limit ({@code
 * quarkus.http.limits.max-body-size}), which closes the connection without storing anything.
 */
@ApplicationScoped
public class BodySizeLimit {

  static final int PAYLOAD_TOO_LARGE = 413;

  private final ObjectMapper mapper;
  private final HttpLimitsConfig limits;

  BodySizeLimit(ObjectMapper mapper, HttpLimitsConfig limits) {
    this.mapper = mapper;
    this.limits = limits;
  }

  void install(@Observes Router router) {
    router.route().order(Integer.MIN_VALUE).handler(this::check);
  }

  private void check(RoutingContext ctx) {
    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    long max = limits.maxBodySize().asLongValue();
    if (length == null) {
      ctx.next();
      return;
    }
    long declared;
    try {
      declared = Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      reply(ctx, Problem.of("bad-request", "Bad request", 400, "Content-Length is not a number"));
      return;
    }
    if (declared > max) {
      reply(
          ctx,
          Problem.of(
              "payload-too-large",
              "Payload too large",
              PAYLOAD_TOO_LARGE,
              "the request body of "
                  + declared
                  + " bytes is larger than the limit of "
                  + max
                  + " bytes; nothing was stored"));
      return;
    }
    ctx.next();
  }

  private void reply(RoutingContext ctx, Problem problem) {
    String body;
    try {
      body = mapper.writeValueAsString(problem);
    } catch (JsonProcessingException e) {
      body = "{\"status\":" + problem.status() + "}";
    }
    // The unread body stays on the connection: close it rather than drain megabytes.
    ctx.response()
        .setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(body);
  }
}
