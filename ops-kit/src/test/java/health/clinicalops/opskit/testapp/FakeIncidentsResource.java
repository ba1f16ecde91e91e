package health.clinicalops.opskit.testapp;

import health.clinicalops.opskit.clients.IncidentRef;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.opskit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for rollback-orchestrator's incident endpoint over real HTTP, behind this test app's
 * body limit; a report titled {@link #REFUSED_TITLE} is refused with 422, as a rule would.
 */
@Path("/api/v1/incidents")
@RolesAllowed(Roles.SERVICE)
public class FakeIncidentsResource {

  public static final String REFUSED_TITLE = "refuse me";
  public static final List<IncidentReport> RECEIVED = new CopyOnWriteArrayList<>();

  @POST
  public IncidentRef report(IncidentReport report) {
    if (REFUSED_TITLE.equals(report.title())) {
      throw ProblemException.unprocessable("this report is refused for good");
    }
    RECEIVED.add(report);
    return new IncidentRef(report.dedupKey(), report.dedupKey(), "open");
  }
}
