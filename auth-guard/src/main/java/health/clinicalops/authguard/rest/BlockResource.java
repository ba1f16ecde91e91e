package health.clinicalops.authguard.rest;

import health.clinicalops.authguard.domain.IpBlock;
import health.clinicalops.authguard.service.BlockListService;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.opskit.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** IP blocks: everyone with a token may read them; only operators block and unblock by hand. */
@Path("/api/v1/blocks")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.SERVICE, Roles.OPERATOR})
public class BlockResource {

  private final BlockListService blocks;
  private final SecurityIdentity identity;

  BlockResource(BlockListService blocks, SecurityIdentity identity) {
    this.blocks = blocks;
    this.identity = identity;
  }

  /** The open blocks, as this replica enforces them. */
  @GET
  public Collection<IpBlock> open() {
    return blocks.openBlocks();
  }

  /** 200 with the IP's open block, 404 when it is not blocked: the app's edge check. */
  @GET
  @Path("/{ip}")
  @RolesAllowed({Roles.APP, Roles.SERVICE, Roles.OPERATOR})
  public IpBlock one(@PathParam("ip") String ip) {
    return blocks
        .openBlock(blocks.clientKey(ip))
        .orElseThrow(() -> ProblemException.notFound(ip + " is not blocked"));
  }

  /** The IP's blocks, newest first (open, expired, lifted). */
  @GET
  @Path("/{ip}/history")
  public List<IpBlock> history(@PathParam("ip") String ip) {
    return blocks.history(ip);
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.OPERATOR)
  public Response block(
      @Valid @NotNull BlockRequest request, @jakarta.ws.rs.core.Context UriInfo uri) {
    IpBlock block =
        blocks.blockByOperator(
            request.ip(),
            request.reason(),
            Optional.ofNullable(request.ttlSeconds()).map(Duration::ofSeconds),
            identity.getPrincipal().getName());
    // An IPv6 block is of a network (2001:db8:1:2::/64): its first address finds it.
    String address = block.ip().split("/")[0];
    return Response.created(uri.getAbsolutePathBuilder().path(address).build())
        .entity(block)
        .build();
  }

  @DELETE
  @Path("/{ip}")
  @RolesAllowed(Roles.OPERATOR)
  public Response unblock(@PathParam("ip") String ip) {
    IpBlock lifted =
        blocks
            .unblock(ip, identity.getPrincipal().getName())
            .orElseThrow(() -> ProblemException.notFound(ip + " has no open block"));
    return Response.ok(lifted).build();
  }
}
