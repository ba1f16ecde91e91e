package health.clinicalops.rollbackorchestrator.communicate.rest;

import health.clinicalops.rollbackorchestrator.communicate.service.PublicStatusCache;
import health.clinicalops.rollbackorchestrator.communicate.service.StatusDocuments;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * The machine-readable status in the layout of hosted status pages ({@code /api/v2/status.json},
 * {@code /api/v2/summary.json}) and the Atom feed at the path such clients also look for. Public:
 * the only {@code /api} paths without a token.
 */
@Path("/api/v2")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public class StatusApiResource {

  private final PublicStatusCache statusPage;
  private final StatusDocuments documents;

  StatusApiResource(PublicStatusCache statusPage, StatusDocuments documents) {
    this.statusPage = statusPage;
    this.documents = documents;
  }

  @GET
  @Path("/status.json")
  public Map<String, Object> status() {
    return documents.status(statusPage.current());
  }

  @GET
  @Path("/summary.json")
  public Map<String, Object> summary() {
    return documents.summary(statusPage.current());
  }

  @GET
  @Path("/incidents.atom")
  @Produces(StatusPageResource.ATOM)
  public String feed() {
    return documents.atom(statusPage.current());
  }
}
