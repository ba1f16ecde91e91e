package health.clinicalops.auditkeeper.rest;

import health.clinicalops.auditkeeper.domain.VerificationReport;
import health.clinicalops.auditkeeper.service.AuditEventService;
import health.clinicalops.opskit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Tamper evidence: walks the hash chain ("check for any missed audit events"). */
@Path("/api/v1/audit/verify")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPERATOR)
public class AuditVerificationResource {

  private final AuditEventService service;

  AuditVerificationResource(AuditEventService service) {
    this.service = service;
  }

  @GET
  public VerificationReport verify(@QueryParam("from") String from, @QueryParam("to") String to) {
    return service.verify(from, to);
  }
}
