package health.clinicalops.rollbackorchestrator.maintenance.rest;

import health.clinicalops.opskit.security.Roles;
import health.clinicalops.rollbackorchestrator.common.Actor;
import health.clinicalops.rollbackorchestrator.maintenance.service.MaintenanceRequest;
import health.clinicalops.rollbackorchestrator.maintenance.service.MaintenanceService;
import health.clinicalops.rollbackorchestrator.maintenance.service.MaintenanceView;
import health.clinicalops.rollbackorchestrator.maintenance.service.OpsStateView;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Maintenance mode (operators, and services with a lease) and the ops-state for the app. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.SERVICE, Roles.OPERATOR})
public class MaintenanceResource {

  private final MaintenanceService maintenance;
  private final SecurityIdentity identity;

  MaintenanceResource(MaintenanceService maintenance, SecurityIdentity identity) {
    this.maintenance = maintenance;
    this.identity = identity;
  }

  @GET
  @Path("/maintenance")
  public MaintenanceView getMaintenance() {
    return maintenance.current();
  }

  /** Sets the mode: a person without a lease, a service only with {@code expiresAt}. */
  @PUT
  @Path("/maintenance")
  public MaintenanceView setMaintenance(@NotNull @Valid MaintenanceRequest request) {
    return maintenance.set(request, Actor.of(identity));
  }

  @GET
  @Path("/ops-state")
  public OpsStateView opsState() {
    return maintenance.opsState();
  }
}
