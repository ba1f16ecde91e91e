package health.clinicalops.authguard.rest;

import health.clinicalops.authguard.domain.AuthEvent;
import health.clinicalops.authguard.domain.IngestResult;
import health.clinicalops.authguard.service.AuthEventService;
import health.clinicalops.opskit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The app's sign-in events: one JSON object, or an NDJSON batch. The app's token may send them. */
@Path("/api/v1/auth-events")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.APP, Roles.SERVICE, Roles.OPERATOR})
public class AuthEventResource {

  static final String NDJSON = "application/x-ndjson";

  private final AuthEventService events;

  AuthEventResource(AuthEventService events) {
    this.events = events;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public IngestResult one(@Valid @NotNull AuthEvent event) {
    return events.ingest(event);
  }

  @POST
  @Consumes(NDJSON)
  public IngestResult batch(String body) {
    return events.ingestNdjson(body);
  }
}
