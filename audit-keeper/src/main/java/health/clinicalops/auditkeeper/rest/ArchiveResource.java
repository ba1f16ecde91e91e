package health.clinicalops.auditkeeper.rest;

import health.clinicalops.auditkeeper.domain.ArchiveResult;
import health.clinicalops.auditkeeper.service.ArchiveService;
import health.clinicalops.opskit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

/**
 * Runs the retention archive now (operator): 201 with the manifest when rows were archived and
 * deleted, 200 with {@code archived: false} when none was old enough, 409 when the archive failed
 * verification (nothing deleted).
 */
@Path("/api/v1/archives")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPERATOR)
public class ArchiveResource {

  private final ArchiveService archives;

  ArchiveResource(ArchiveService archives) {
    this.archives = archives;
  }

  @POST
  public Response archive(@Context SecurityContext security) {
    String by =
        security.getUserPrincipal() == null ? "operator" : security.getUserPrincipal().getName();
    ArchiveResult result = archives.archive(by);
    return result.archived()
        ? Response.status(Response.Status.CREATED).entity(result).build()
        : Response.ok(result).build();
  }
}
