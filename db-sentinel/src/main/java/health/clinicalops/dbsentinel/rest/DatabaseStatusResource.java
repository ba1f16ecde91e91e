package health.clinicalops.dbsentinel.rest;

import health.clinicalops.dbsentinel.domain.DatabaseActivity;
import health.clinicalops.dbsentinel.domain.DatabaseStatus;
import health.clinicalops.dbsentinel.domain.SentinelAction;
import health.clinicalops.dbsentinel.service.DatabaseSentinel;
import health.clinicalops.dbsentinel.service.RunbookResponder;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.opskit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.List;

/** What db-sentinel sees of the app's database, for the other services and for people. */
@Path("/api/v1/database")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.SERVICE, Roles.OPERATOR})
public class DatabaseStatusResource {

  private final DatabaseSentinel sentinel;
  private final RunbookResponder responder;

  DatabaseStatusResource(DatabaseSentinel sentinel, RunbookResponder responder) {
    this.sentinel = sentinel;
    this.responder = responder;
  }

  /**
   * {@code {state, cause, circuit, latencyMs, connections: {used, max, byState}, target, since}};
   * 503 with Retry-After before the first probe has finished.
   */
  @GET
  @Path("/status")
  public DatabaseStatus status() {
    return sentinel
        .status()
        .orElseThrow(
            () -> ProblemException.unavailable("no probe has finished yet", Duration.ofSeconds(1)));
  }

  /** Top connection holders, sessions idle in a transaction and long-running queries. */
  @GET
  @Path("/activity")
  public DatabaseActivity activity() {
    return sentinel.activity();
  }

  /** The latest steps db-sentinel took (or, in dry run, would have taken), newest first. */
  @GET
  @Path("/actions")
  public List<SentinelAction> actions() {
    return responder.recentActions();
  }
}
