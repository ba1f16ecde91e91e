package health.clinicalops.rollbackorchestrator.rollback.service;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A provider's point-in-time-restore hook ({@code restore-method=http-hook}, URL {@code
 * database-rollback.restore-hook-url}): synchronous, a 2xx answer means the database is restored.
 * Built per URL by {@link RestoreHookClient}, which holds the fault-tolerance policy.
 */
@Path("")
public interface RestoreHookApi {

  /** The hook's request body. */
  record RestoreRequest(String database, String pointInTime, long rollbackId) {}

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  Response restore(RestoreRequest request);
}
