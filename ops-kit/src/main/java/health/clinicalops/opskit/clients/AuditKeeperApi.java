package health.clinicalops.opskit.clients;

import health.clinicalops.opskit.ServiceNames;
import health.clinicalops.opskit.security.OutboundBearerTokenFactory;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** audit-keeper's write path. URL: {@code quarkus.rest-client.audit-keeper.url}. */
@RegisterRestClient(configKey = ServiceNames.AUDIT_KEEPER)
@RegisterClientHeaders(OutboundBearerTokenFactory.class)
@Path("/api/v1/audit-events")
public interface AuditKeeperApi {

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  void record(AuditEvent event);
}
