package health.clinicalops.opskit.testapp;

import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.opskit.security.Caller;
import health.clinicalops.opskit.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A small API in the shape of the services' APIs, to exercise ops-kit's security and errors. */
@Path("/api/v1/things")
@RolesAllowed({Roles.SERVICE, Roles.OPERATOR})
public class ThingResource {

  public record Thing(@NotBlank String name, @NotNull Integer size) {}

  static final Map<String, Thing> THINGS = new ConcurrentHashMap<>();

  private final SecurityIdentity identity;

  ThingResource(SecurityIdentity identity) {
    this.identity = identity;
  }

  /** Who the token says the caller is. */
  @GET
  @Path("/caller")
  public Caller caller() {
    return Caller.of(identity);
  }

  @POST
  public Response create(@Valid @NotNull Thing thing) {
    THINGS.put(thing.name(), thing);
    return Response.created(URI.create("/api/v1/things/" + thing.name())).entity(thing).build();
  }

  @GET
  @Path("/{name}")
  public Thing get(@PathParam("name") String name) {
    Thing thing = THINGS.get(name);
    if (thing == null) {
      throw ProblemException.notFound("no thing named " + name);
    }
    return thing;
  }

  @POST
  @Path("/{name}/destroy")
  @RolesAllowed(Roles.OPERATOR)
  public Response destroy(@PathParam("name") String name) {
    if (THINGS.remove(name) == null) {
      throw ProblemException.notFound("no thing named " + name);
    }
    return Response.noContent().build();
  }
}
