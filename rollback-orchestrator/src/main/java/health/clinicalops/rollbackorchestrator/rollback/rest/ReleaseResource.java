package health.clinicalops.rollbackorchestrator.rollback.rest;

import health.clinicalops.opskit.security.Roles;
import health.clinicalops.rollbackorchestrator.rollback.service.ReleaseView;
import health.clinicalops.rollbackorchestrator.rollback.service.RollbackService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** A Deployment's release history (its ReplicaSets), as the rollbacks see it. */
@Path("/api/v1/deployments/{deployment}/releases")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.SERVICE, Roles.OPERATOR})
public class ReleaseResource {

  private final RollbackService rollbacks;

  ReleaseResource(RollbackService rollbacks) {
    this.rollbacks = rollbacks;
  }

  @GET
  public List<ReleaseView> releases(@PathParam("deployment") String deployment) {
    return rollbacks.releases(deployment);
  }
}
