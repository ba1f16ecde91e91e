package health.clinicalops.authguard.peers;

import health.clinicalops.opskit.clients.IncidentRef;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for rollback-orchestrator's incidents endpoint over real HTTP, keeping every report.
 */
@Path("/api/v1/incidents")
@RolesAllowed(Roles.SERVICE)
public class FakeRollbackOrchestratorResource {

  public static final List<IncidentReport> REPORTS = new CopyOnWriteArrayList<>();

  @POST
  public IncidentRef report(IncidentReport report) {
    REPORTS.add(report);
    return new IncidentRef("inc-" + REPORTS.size(), report.dedupKey(), "open");
  }

  public static List<IncidentReport> withKey(String dedupKey) {
    return REPORTS.stream().filter(r -> r.dedupKey().equals(dedupKey)).toList();
  }
}
