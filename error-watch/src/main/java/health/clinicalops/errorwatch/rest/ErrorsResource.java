package health.clinicalops.errorwatch.rest;

import health.clinicalops.errorwatch.domain.RatioView;
import health.clinicalops.errorwatch.domain.TopError;
import health.clinicalops.errorwatch.service.ErrorQueryService;
import health.clinicalops.opskit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The runbook's steps 1, 3 and 4: top errors by fingerprint, and where errors happen. */
@Path("/api/v1/errors")
@RolesAllowed({Roles.SERVICE, Roles.OPERATOR})
@Produces(MediaType.APPLICATION_JSON)
public class ErrorsResource {

  private final ErrorQueryService queries;

  ErrorsResource(ErrorQueryService queries) {
    this.queries = queries;
  }

  /** Top error fingerprints of the last {@code window} (e.g. 5m), most frequent first. */
  @GET
  @Path("/top")
  public List<TopError> top(
      @QueryParam("window") @DefaultValue("5m") String window,
      @QueryParam("limit") @DefaultValue("10") @Min(1) @Max(1000) int limit) {
    return queries.topErrors(queries.window(window), limit);
  }

  /** Error ratio of the last {@code window}, overall and per endpoint, role and region. */
  @GET
  @Path("/ratio")
  public RatioView ratio(@QueryParam("window") @DefaultValue("5m") String window) {
    return queries.ratio(queries.window(window));
  }
}
