package health.clinicalops.auditkeeper.support;

import health.clinicalops.opskit.clients.IncidentRef;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for rollback-orchestrator's incident endpoint over real HTTP (the tests point {@code
 * quarkus.rest-client.rollback-orchestrator.url} at this service's own port).
 */
@Path("/api/v1/incidents")
@RolesAllowed(Roles.SERVICE)
public class FakeIncidentsResource {

  public static final List<IncidentReport> RECEIVED = new CopyOnWriteArrayList<>();

  @POST
  public IncidentRef report(IncidentReport report) {
    RECEIVED.add(report);
    return new IncidentRef(
        report.dedupKey(), report.dedupKey(), report.resolved() ? "resolved" : "open");
  }

  public static List<IncidentReport> withKeyPrefix(String prefix) {
    return RECEIVED.stream().filter(r -> r.dedupKey().startsWith(prefix)).toList();
  }
}
