package health.clinicalops.rollbackorchestrator.incident.rest;

import health.clinicalops.opskit.clients.IncidentRef;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.opskit.security.Roles;
import health.clinicalops.rollbackorchestrator.common.Actor;
import health.clinicalops.rollbackorchestrator.common.NoteRequest;
import health.clinicalops.rollbackorchestrator.communicate.service.PostIncidentReportService;
import health.clinicalops.rollbackorchestrator.communicate.service.PostmortemRequest;
import health.clinicalops.rollbackorchestrator.communicate.service.PublicUpdateRequest;
import health.clinicalops.rollbackorchestrator.incident.service.IncidentService;
import health.clinicalops.rollbackorchestrator.incident.service.IncidentSummary;
import health.clinicalops.rollbackorchestrator.incident.service.IncidentView;
import health.clinicalops.rollbackorchestrator.incident.service.ResolveRequest;
import health.clinicalops.rollbackorchestrator.incident.service.StepRequest;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Incidents: reported by the services, worked by people. */
@Path("/api/v1/incidents")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.SERVICE, Roles.OPERATOR})
public class IncidentResource {

  /** Markdown (RFC 7763). */
  static final String MARKDOWN = "text/markdown";

  private final IncidentService incidents;
  private final PostIncidentReportService reports;
  private final SecurityIdentity identity;

  IncidentResource(
      IncidentService incidents, PostIncidentReportService reports, SecurityIdentity identity) {
    this.incidents = incidents;
    this.reports = reports;
    this.identity = identity;
  }

  /** Opens an incident (201 + Location) or updates the open one with the same dedup key (200). */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response report(@NotNull IncidentReport report, @jakarta.ws.rs.core.Context UriInfo uri) {
    IncidentService.ReportOutcome outcome = incidents.report(report, Actor.of(identity));
    IncidentRef ref = outcome.ref();
    if (outcome.opened()) {
      return Response.created(uri.getAbsolutePathBuilder().path(ref.id()).build())
          .entity(ref)
          .build();
    }
    return Response.ok(ref).build();
  }

  /** Incidents, newest first: {@code status=open|closed}, {@code runbook}, {@code severity}. */
  @GET
  public List<IncidentSummary> listIncidents(
      @QueryParam("status") String status,
      @QueryParam("runbook") String runbook,
      @QueryParam("severity") String severity,
      @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit) {
    Optional<Boolean> open =
        Optional.ofNullable(status)
            .map(
                s ->
                    switch (s.toLowerCase(Locale.ROOT)) {
                      case "open" -> true;
                      case "closed", "resolved" -> false;
                      default -> throw ProblemException.badRequest("status must be open or closed");
                    });
    Optional<Severity> sev =
        Optional.ofNullable(severity)
            .map(
                s -> {
                  try {
                    return Severity.valueOf(s.toUpperCase(Locale.ROOT));
                  } catch (IllegalArgumentException e) {
                    throw ProblemException.badRequest("severity must be one of P0, P1, P2, P3");
                  }
                });
    return incidents.search(open, Optional.ofNullable(runbook), sev, limit);
  }

  @GET
  @Path("/{id}")
  public IncidentView getIncident(@PathParam("id") long id) {
    return incidents.find(id).orElseThrow(() -> notFound(id));
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Path("/{id}/steps")
  @RolesAllowed(Roles.OPERATOR)
  public IncidentView addStep(@PathParam("id") long id, @NotNull @Valid StepRequest step) {
    return incidents.addStep(id, step, Actor.of(identity)).orElseThrow(() -> notFound(id));
  }

  @POST
  @Path("/{id}/acknowledge")
  @RolesAllowed(Roles.OPERATOR)
  public IncidentView acknowledge(@PathParam("id") long id, @Valid NoteRequest note) {
    return incidents
        .acknowledge(id, note == null ? new NoteRequest(null) : note, Actor.of(identity))
        .orElseThrow(() -> notFound(id));
  }

  @POST
  @Path("/{id}/resolve")
  @RolesAllowed(Roles.OPERATOR)
  public IncidentView resolve(@PathParam("id") long id, @Valid ResolveRequest request) {
    return incidents
        .resolve(id, request == null ? new ResolveRequest(null, null) : request, Actor.of(identity))
        .orElseThrow(() -> notFound(id));
  }

  /** A public update for the status page, its JSON and feed (the only public incident text). */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Path("/{id}/public-updates")
  @RolesAllowed(Roles.OPERATOR)
  public IncidentView publish(
      @PathParam("id") long id, @NotNull @Valid PublicUpdateRequest request) {
    return incidents.publish(id, request, Actor.of(identity)).orElseThrow(() -> notFound(id));
  }

  /** The post-incident report as Markdown. */
  @GET
  @Path("/{id}/report")
  @Produces(MARKDOWN + ";charset=UTF-8")
  @RolesAllowed(Roles.OPERATOR)
  public String postIncidentReport(@PathParam("id") long id) {
    return reports.report(id).orElseThrow(() -> notFound(id));
  }

  /** Root cause and follow-ups of the report (replaces what was written before). */
  @PUT
  @Consumes(MediaType.APPLICATION_JSON)
  @Path("/{id}/postmortem")
  @RolesAllowed(Roles.OPERATOR)
  public PostmortemRequest writePostmortem(
      @PathParam("id") long id, @NotNull @Valid PostmortemRequest request) {
    return reports.savePostmortem(id, request, Actor.of(identity)).orElseThrow(() -> notFound(id));
  }

  private static ProblemException notFound(long id) {
    return ProblemException.notFound("no incident " + id);
  }
}
