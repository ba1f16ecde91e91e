package health.clinicalops.authguard.rest;

import health.clinicalops.authguard.service.SessionRevocationService;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.opskit.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The operator's "Force Password Reset" (runbook step 5) for one account. */
@Path("/api/v1/accounts")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPERATOR)
public class AccountResource {

  private final SessionRevocationService revocations;
  private final SecurityIdentity identity;

  AccountResource(SessionRevocationService revocations, SecurityIdentity identity) {
    this.revocations = revocations;
    this.identity = identity;
  }

  /** What was revoked. */
  public record Revocation(String username, int accountsUpdated) {}

  /** Clears the account's refresh token (its email is the username); 404 when there is none. */
  @POST
  @Path("/{username}/revoke-sessions")
  @RolesAllowed(Roles.OPERATOR)
  public Revocation revoke(@PathParam("username") String username) {
    int updated = revocations.revokeByOperator(username, identity.getPrincipal().getName());
    if (updated == 0) {
      throw ProblemException.notFound("no account with email " + username);
    }
    return new Revocation(username, updated);
  }
}
