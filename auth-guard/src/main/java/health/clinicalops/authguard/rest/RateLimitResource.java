package health.clinicalops.authguard.rest;

import health.clinicalops.authguard.domain.RateLimitDecision;
import health.clinicalops.authguard.domain.RateLimitRequest;
import health.clinicalops.authguard.service.OverwhelmMonitor;
import health.clinicalops.authguard.service.RateLimitService;
import health.clinicalops.opskit.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** Rate-limit decisions for the app, and the last "overwhelmed" judgement per policy. */
@Path("/api/v1/rate-limit")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.SERVICE, Roles.OPERATOR})
public class RateLimitResource {

  private final RateLimitService rateLimits;
  private final OverwhelmMonitor monitor;

  RateLimitResource(RateLimitService rateLimits, OverwhelmMonitor monitor) {
    this.rateLimits = rateLimits;
    this.monitor = monitor;
  }

  /** 200 with what is left, 429 (limited, Retry-After) or 403 (blocked source) problem+json. */
  @POST
  @Path("/check")
  @RolesAllowed({Roles.APP, Roles.SERVICE, Roles.OPERATOR})
  public Uni<RateLimitDecision> check(@Valid @NotNull RateLimitRequest request) {
    return rateLimits.check(request);
  }

  /** Per policy: active and limited clients of the last window, abuse or spike. */
  @GET
  @Path("/windows")
  public Map<String, OverwhelmMonitor.Verdict> windows() {
    return monitor.lastVerdicts();
  }
}
