package health.clinicalops.dbsentinel.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import health.clinicalops.opskit.clients.IncidentRef;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stands in for rollback-orchestrator's incidents endpoint over real HTTP: keeps every report. */
@Path("/api/v1/incidents")
@RolesAllowed(Roles.SERVICE)
public class FakeIncidentsResource {

  public static final List<IncidentReport> REPORTS = new CopyOnWriteArrayList<>();

  @POST
  public IncidentRef report(IncidentReport report) {
    REPORTS.add(report);
    return new IncidentRef(
        "inc-" + Math.abs(report.dedupKey().hashCode()),
        report.dedupKey(),
        report.resolved() ? "resolved" : "open");
  }

  /** Asserts that a report with the step {@code action} arrived; a failure lists the steps seen. */
  public static void assertStep(String action) {
    assertThat(withStep(action))
        .as(
            "a report with step %s among %s",
            action,
            REPORTS.stream().filter(r -> r.step() != null).map(r -> r.step().action()).toList())
        .isNotEmpty();
  }

  /** Reports whose timeline step has {@code action}. */
  public static List<IncidentReport> withStep(String action) {
    return REPORTS.stream()
        .filter(r -> r.step() != null && action.equals(r.step().action()))
        .toList();
  }
}
