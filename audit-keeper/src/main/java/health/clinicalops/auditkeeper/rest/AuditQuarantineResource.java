package health.clinicalops.auditkeeper.rest;

import health.clinicalops.auditkeeper.domain.QuarantinedEvent;
import health.clinicalops.auditkeeper.service.AuditEventService;
import health.clinicalops.opskit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The spooled events the database refused for good, for an operator to review. */
@Path("/api/v1/audit/quarantine")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPERATOR)
public class AuditQuarantineResource {

  private final AuditEventService service;

  AuditQuarantineResource(AuditEventService service) {
    this.service = service;
  }

  @GET
  public List<QuarantinedEvent> list(@QueryParam("limit") @DefaultValue("100") int limit) {
    return service.quarantined(limit);
  }
}
