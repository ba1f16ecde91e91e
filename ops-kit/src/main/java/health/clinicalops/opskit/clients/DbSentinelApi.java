package health.clinicalops.opskit.clients;

import health.clinicalops.opskit.ServiceNames;
import health.clinicalops.opskit.security.OutboundBearerTokenFactory;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** db-sentinel's view of the app database. URL: {@code quarkus.rest-client.db-sentinel.url}. */
@RegisterRestClient(configKey = ServiceNames.DB_SENTINEL)
@RegisterClientHeaders(OutboundBearerTokenFactory.class)
@Path("/api/v1/database/status")
public interface DbSentinelApi {

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  DatabaseStatus status();
}
