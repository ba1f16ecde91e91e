package health.clinicalops.errorwatch.rest;

import health.clinicalops.errorwatch.domain.IngestResult;
import health.clinicalops.errorwatch.service.LogIngestService;
import health.clinicalops.opskit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;

/**
 * {@code POST /api/v1/logs}: the app's log lines as NDJSON ({@code application/x-ndjson}, how
 * Fluent Bit's http output and Vector's http sink send them) or a JSON array.
 */
@Path("/api/v1/logs")
@RolesAllowed({Roles.SERVICE, Roles.OPERATOR})
public class LogIngestResource {

  private final LogIngestService ingest;

  LogIngestResource(LogIngestService ingest) {
    this.ingest = ingest;
  }

  @POST
  @Consumes({"application/x-ndjson", MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, "*/*"})
  @Produces(MediaType.APPLICATION_JSON)
  public IngestResult ingest(InputStream body) {
    return ingest.ingest(body);
  }
}
