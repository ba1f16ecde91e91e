package health.clinicalops.dbsentinel.testsupport;

import health.clinicalops.opskit.clients.AuditEvent;
import health.clinicalops.opskit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stands in for audit-keeper's write path over real HTTP: keeps every event. */
@Path("/api/v1/audit-events")
@RolesAllowed(Roles.SERVICE)
public class FakeAuditKeeperResource {

  public static final List<AuditEvent> EVENTS = new CopyOnWriteArrayList<>();

  @POST
  public void record(AuditEvent event) {
    EVENTS.add(event);
  }

  public static boolean has(String action) {
    return EVENTS.stream().anyMatch(e -> action.equals(e.action()));
  }
}
