package health.clinicalops.opskit.clients;

import health.clinicalops.opskit.ServiceNames;
import health.clinicalops.opskit.security.OutboundBearerTokenFactory;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * rollback-orchestrator's rollbacks. URL: {@code quarkus.rest-client.rollback-orchestrator.url}.
 */
@RegisterRestClient(configKey = ServiceNames.ROLLBACK_ORCHESTRATOR)
@RegisterClientHeaders(OutboundBearerTokenFactory.class)
@Path("/api/v1/rollbacks")
public interface RollbackApi {

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  RollbackAnswer requestRollback(RollbackRequest request);
}
