package health.clinicalops.opskit.security;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who presented a token: its name and role, never the token. {@code named} says the name came from
 * the token itself (a per-caller token such as {@code auth-guard.<secret>}), not from its digest (a
 * shared token, named e.g. {@code service:1a2b3c4d}).
 */
public record Caller(String name, String role, boolean named) {

  static final String NAMED_ATTRIBUTE = "clinicalops.named-token";

  /** The caller of the request that {@code identity} authenticated. */
  public static Caller of(SecurityIdentity identity) {
    String role =
        identity.hasRole(Roles.OPERATOR)
            ? Roles.OPERATOR
            : identity.hasRole(Roles.SERVICE) ? Roles.SERVICE : Roles.APP;
    return new Caller(
        identity.getPrincipal().getName(),
        role,
        Boolean.TRUE.equals(identity.getAttribute(NAMED_ATTRIBUTE)));
  }

  public boolean isPerson() {
    return Roles.OPERATOR.equals(role);
  }
}
