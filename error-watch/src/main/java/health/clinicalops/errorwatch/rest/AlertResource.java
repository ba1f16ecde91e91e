package health.clinicalops.errorwatch.rest;

import health.clinicalops.errorwatch.service.AlertEvaluator;
import health.clinicalops.errorwatch.service.AlertStore;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.opskit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The error-rate alert: its state, its alerts, and an operator's manual resolution. */
@Path("/api/v1/alerts")
@RolesAllowed({Roles.SERVICE, Roles.OPERATOR})
@Produces(MediaType.APPLICATION_JSON)
public class AlertResource {

  private final AlertEvaluator evaluator;
  private final AlertStore store;

  AlertResource(AlertEvaluator evaluator, AlertStore store) {
    this.evaluator = evaluator;
    this.store = store;
  }

  /** The state machine: status, since when, the last ratio, the current alert's id. */
  @GET
  @Path("/current")
  public Map<String, Object> current() {
    var state = evaluator.state();
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("status", state.status());
    view.put("alertId", state.alertId());
    view.put("pendingSince", state.pendingSince());
    view.put("firingSince", state.firingSince());
    view.put("resolvePendingSince", state.resolvePendingSince());
    view.put("evaluatedThrough", state.evaluatedThrough());
    view.put("decided", state.decided());
    view.put("lastRatio", evaluator.lastRatio());
    return view;
  }

  /** One alert with its decision. */
  @GET
  @Path("/{id}")
  public Map<String, Object> alert(@PathParam("id") UUID id) throws SQLException {
    return store.find(id).orElseThrow(() -> ProblemException.notFound("no alert " + id));
  }

  /** An operator ends the current alert (pending or firing). */
  @POST
  @Path("/current/resolve")
  @RolesAllowed(Roles.OPERATOR)
  public Map<String, Object> resolve(
      @QueryParam("reason") @DefaultValue("handled by hand") String reason,
      @Context SecurityContext security) {
    String by =
        security.getUserPrincipal() == null ? "operator" : security.getUserPrincipal().getName();
    boolean resolved = evaluator.resolveManually(by, reason);
    Map<String, Object> view = current();
    view.put("resolved", resolved);
    return view;
  }
}
