package health.clinicalops.rollbackorchestrator.rollback.rest;

import health.clinicalops.opskit.clients.RollbackRequest;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.opskit.security.Roles;
import health.clinicalops.rollbackorchestrator.common.Actor;
import health.clinicalops.rollbackorchestrator.common.NoteRequest;
import health.clinicalops.rollbackorchestrator.rollback.service.RollbackService;
import health.clinicalops.rollbackorchestrator.rollback.service.RollbackView;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
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
import java.util.Optional;

/** Rollbacks: asked for by services (error-watch) and people, approved by people. */
@Path("/api/v1/rollbacks")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.SERVICE, Roles.OPERATOR})
public class RollbackResource {

  private final RollbackService rollbacks;
  private final SecurityIdentity identity;

  RollbackResource(RollbackService rollbacks, SecurityIdentity identity) {
    this.rollbacks = rollbacks;
    this.identity = identity;
  }

  /** 202 + Location: the rollback runs (or awaits approval, or was only planned). */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response request(@NotNull @Valid RollbackRequest request, @Context UriInfo uri) {
    RollbackView view = rollbacks.request(request, Actor.of(identity));
    return Response.accepted(view)
        .location(uri.getAbsolutePathBuilder().path(String.valueOf(view.id())).build())
        .build();
  }

  @GET
  public List<RollbackView> listRollbacks(
      @QueryParam("deployment") String deployment,
      @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
    return rollbacks.list(Optional.ofNullable(deployment), limit);
  }

  @GET
  @Path("/{id}")
  public RollbackView getRollback(@PathParam("id") long id) {
    return rollbacks.find(id).orElseThrow(() -> notFound(id));
  }

  @POST
  @Path("/{id}/approve")
  @RolesAllowed(Roles.OPERATOR)
  public RollbackView approve(@PathParam("id") long id) {
    return rollbacks.approve(id, Actor.of(identity)).orElseThrow(() -> notFound(id));
  }

  @POST
  @Path("/{id}/reject")
  @RolesAllowed(Roles.OPERATOR)
  public RollbackView reject(@PathParam("id") long id, @Valid NoteRequest note) {
    return rollbacks
        .reject(id, note == null ? new NoteRequest(null) : note, Actor.of(identity))
        .orElseThrow(() -> notFound(id));
  }

  private static ProblemException notFound(long id) {
    return ProblemException.notFound("no rollback " + id);
  }
}
