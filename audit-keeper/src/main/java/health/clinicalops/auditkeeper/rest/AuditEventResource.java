package health.clinicalops.auditkeeper.rest;

import health.clinicalops.auditkeeper.domain.AuditEventPage;
import health.clinicalops.auditkeeper.domain.StoredAuditEvent;
import health.clinicalops.auditkeeper.domain.WriteReceipt;
import health.clinicalops.auditkeeper.service.AuditEventService;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.opskit.security.Caller;
import health.clinicalops.opskit.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * Writing and reviewing audit events. {@code POST} answers 201 when the events are committed to
 * "AuditLog" and 202 when they are fsync'd to the spool (the database is failing); never before.
 */
@Path("/api/v1/audit-events")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.SERVICE, Roles.OPERATOR})
public class AuditEventResource {

  static final String NDJSON = "application/x-ndjson";

  private final AuditEventService service;
  private final SecurityIdentity identity;

  AuditEventResource(AuditEventService service, SecurityIdentity identity) {
    this.service = service;
    this.identity = identity;
  }

  /** The app's token may send events; reading them is for people. */
  @POST
  @Consumes({MediaType.APPLICATION_JSON, NDJSON})
  @RolesAllowed({Roles.APP, Roles.SERVICE, Roles.OPERATOR})
  public Response record(
      String body,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @Context UriInfo uri) {
    boolean ndjson = contentType != null && contentType.toLowerCase().startsWith(NDJSON);
    WriteReceipt receipt = service.record(body, ndjson, Caller.of(identity));
    Response.ResponseBuilder response =
        receipt.committed() ? Response.status(Response.Status.CREATED) : Response.accepted();
    if (receipt.ids().size() == 1) {
      response.location(uri.getAbsolutePathBuilder().path(receipt.ids().get(0)).build());
    }
    return response.entity(receipt).build();
  }

  @GET
  @RolesAllowed(Roles.OPERATOR)
  public AuditEventPage search(
      @QueryParam("userId") String userId,
      @QueryParam("action") String action,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("page") @DefaultValue("0") int page,
      @QueryParam("size") @DefaultValue("100") int size) {
    return service.search(userId, action, from, to, page, size);
  }

  @GET
  @Path("/{id}")
  @RolesAllowed(Roles.OPERATOR)
  public StoredAuditEvent find(@PathParam("id") String id) {
    return service
        .find(id)
        .orElseThrow(() -> ProblemException.notFound("no audit event with id " + id));
  }
}
