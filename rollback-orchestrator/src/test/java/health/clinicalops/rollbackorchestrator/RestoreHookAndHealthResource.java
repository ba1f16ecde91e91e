package health.clinicalops.rollbackorchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Real HTTP endpoints inside the test app (port 18085) standing in for a provider's
 * point-in-time-restore hook and the app's {@code /api/health}. The hook records every call and,
 * when it answers 2xx, "restores" the app database by deleting the rows written after the seed (ids
 * above 10) — what a restore to a point before them would do.
 */
@Path("/test-hooks")
@PermitAll
public class RestoreHookAndHealthResource {

  /** Bodies the restore hook received. */
  public static final List<JsonNode> RESTORE_CALLS = new CopyOnWriteArrayList<>();

  /** The status the restore hook answers. */
  public static final AtomicInteger RESTORE_STATUS = new AtomicInteger(204);

  /** The status the health endpoint answers, and how often it was asked. */
  public static final AtomicInteger HEALTH_STATUS = new AtomicInteger(200);

  public static final AtomicInteger HEALTH_CALLS = new AtomicInteger();

  @ConfigProperty(name = "clinicalops.rollback-orchestrator.database-rollback.jdbc-url")
  String jdbcUrl;

  @ConfigProperty(name = "clinicalops.rollback-orchestrator.database-rollback.username")
  String username;

  @ConfigProperty(name = "clinicalops.rollback-orchestrator.database-rollback.password")
  String password;

  @POST
  @Path("/restore")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response restore(JsonNode body) throws SQLException {
    RESTORE_CALLS.add(body);
    int status = RESTORE_STATUS.get();
    if (status / 100 == 2) {
      try (var c = DriverManager.getConnection(jdbcUrl, username, password);
          var s = c.createStatement()) {
        s.execute(
            "DELETE FROM \"User\" WHERE id > 10; DELETE FROM \"ClinicalNote\" WHERE id > 10;"
                + " DELETE FROM \"AuditLog\" WHERE id > 10");
      }
      return Response.status(status).build();
    }
    return Response.status(status).entity("restore failed: branch not found").build();
  }

  @GET
  @Path("/health")
  public Response health() {
    HEALTH_CALLS.incrementAndGet();
    return Response.status(HEALTH_STATUS.get()).build();
  }
}
