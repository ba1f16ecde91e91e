package health.clinicalops.errorwatch.testsupport;

import health.clinicalops.opskit.clients.AuditEvent;
import health.clinicalops.opskit.clients.DatabaseStatus;
import health.clinicalops.opskit.clients.IncidentRef;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.RollbackRequest;
import health.clinicalops.opskit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stands in, over real HTTP on the test port, for rollback-orchestrator (rollbacks, incidents),
 * db-sentinel (database status) and audit-keeper (audit events); records what arrives.
 */
@Path("/api/v1")
@RolesAllowed(Roles.SERVICE)
public class FakePeersResource {

  public static final List<RollbackRequest> ROLLBACKS = new CopyOnWriteArrayList<>();
  public static final List<IncidentReport> INCIDENTS = new CopyOnWriteArrayList<>();
  public static final List<AuditEvent> AUDIT = new CopyOnWriteArrayList<>();
  public static final AtomicReference<String> DATABASE_STATE = new AtomicReference<>("healthy");
  public static final AtomicBoolean REFUSE_ROLLBACKS = new AtomicBoolean();
  private static final AtomicLong ROLLBACK_IDS = new AtomicLong();

  public static void reset() {
    ROLLBACKS.clear();
    INCIDENTS.clear();
    AUDIT.clear();
    DATABASE_STATE.set("healthy");
    REFUSE_ROLLBACKS.set(false);
  }

  @POST
  @Path("/rollbacks")
  public Response rollback(RollbackRequest request) {
    ROLLBACKS.add(request);
    if (REFUSE_ROLLBACKS.get()) {
      return Response.status(Response.Status.CONFLICT)
          .entity(Map.of("title", "a rollback of " + request.deployment() + " is running"))
          .build();
    }
    // The part of rollback-orchestrator's RollbackView that error-watch reads.
    return Response.accepted(
            Map.of(
                "id",
                ROLLBACK_IDS.incrementAndGet(),
                "deployment",
                request.deployment(),
                "status",
                request.approvalRequired() ? "AWAITING_APPROVAL" : "RUNNING"))
        .build();
  }

  @GET
  @Path("/database/status")
  public DatabaseStatus databaseStatus() {
    String state = DATABASE_STATE.get();
    return new DatabaseStatus(state, "down".equals(state) ? "network" : null);
  }

  @POST
  @Path("/incidents")
  public IncidentRef incident(IncidentReport report) {
    INCIDENTS.add(report);
    return new IncidentRef(UUID.randomUUID().toString(), report.dedupKey(), "open");
  }

  @POST
  @Path("/audit-events")
  public void audit(AuditEvent event) {
    AUDIT.add(event);
  }
}
