package health.clinicalops.opskit.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns a bearer token into an identity with role {@code app}, {@code service} or {@code operator}.
 */
@ApplicationScoped
public class BearerTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

  private final TokenRegistry tokens;

  BearerTokenIdentityProvider(TokenRegistry tokens) {
    this.tokens = tokens;
  }

  @Override
  public Class<TokenAuthenticationRequest> getRequestType() {
    return TokenAuthenticationRequest.class;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      TokenAuthenticationRequest request, AuthenticationRequestContext context) {
    return tokens
        .identify(request.getToken().getToken())
        .<Uni<SecurityIdentity>>map(
            caller ->
                Uni.createFrom()
                    .item(
                        QuarkusSecurityIdentity.builder()
                            .setPrincipal(new QuarkusPrincipal(caller.name()))
                            .addRole(caller.role())
                            .addAttribute(Caller.NAMED_ATTRIBUTE, caller.named())
                            .build()))
        .orElseGet(
            () -> Uni.createFrom().failure(new AuthenticationFailedException("unknown token")));
  }
}
