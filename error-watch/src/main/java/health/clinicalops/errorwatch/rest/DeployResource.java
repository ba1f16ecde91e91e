package health.clinicalops.errorwatch.rest;

import health.clinicalops.errorwatch.domain.Deploy;
import health.clinicalops.errorwatch.domain.DeployRequest;
import health.clinicalops.errorwatch.service.DeployService;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.opskit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;

/** Deploys of the clinical app: announced by CI or people, and those learned from the cluster. */
@Path("/api/v1/deploys")
@RolesAllowed({Roles.SERVICE, Roles.OPERATOR})
@Produces(MediaType.APPLICATION_JSON)
public class DeployResource {

  private final DeployService deploys;

  DeployResource(DeployService deploys) {
    this.deploys = deploys;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response announce(@Valid @NotNull DeployRequest request, @Context UriInfo uri) {
    Deploy deploy = deploys.announce(request);
    return Response.created(uri.getAbsolutePathBuilder().path(deploy.id().toString()).build())
        .entity(deploy)
        .build();
  }

  @GET
  public List<Deploy> recent(@QueryParam("limit") @DefaultValue("20") int limit) {
    return deploys.recent(Math.max(1, Math.min(limit, 500)));
  }

  @GET
  @Path("/{id}")
  public Deploy deploy(@PathParam("id") UUID id) {
    return deploys.find(id).orElseThrow(() -> ProblemException.notFound("no deploy " + id));
  }
}
