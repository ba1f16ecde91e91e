package health.clinicalops.rollbackorchestrator.rollback.rest;

import health.clinicalops.opskit.security.Roles;
import health.clinicalops.rollbackorchestrator.common.Actor;
import health.clinicalops.rollbackorchestrator.rollback.service.BackupRequest;
import health.clinicalops.rollbackorchestrator.rollback.service.BackupService;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Named pre-deploy backups, asked for by the deploy pipeline (service) or a person. */
@Path("/api/v1/database-backups")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.SERVICE, Roles.OPERATOR})
public class BackupResource {

  private final BackupService backups;
  private final SecurityIdentity identity;

  BackupResource(BackupService backups, SecurityIdentity identity) {
    this.backups = backups;
    this.identity = identity;
  }

  @POST
  public Response take(@NotNull @Valid BackupRequest request) {
    return Response.status(Response.Status.CREATED)
        .entity(backups.take(request, Actor.of(identity)))
        .build();
  }
}
