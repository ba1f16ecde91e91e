package health.clinicalops.opskit.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenRegistryTest {

  /** SHA-256 of "people-only". */
  private static final String PEOPLE_ONLY =
      "EFAE2999505AAE8D213E067AE52BCC56AE63C54DAB9134B35EFA40BFE3DB083B";

  @Test
  void callersAreKnownByRoleWithoutTheirTokens() {
    TokenRegistry registry =
        new TokenRegistry(
            new Tokens(List.of("app-s3cret"), List.of("s3cret"), List.of(), List.of(PEOPLE_ONLY)));
    Caller service = registry.identify("s3cret").orElseThrow();
    assertThat(service.role()).isEqualTo(Roles.SERVICE);
    assertThat(service.name()).startsWith("service:").doesNotContain("s3cret");
    assertThat(service.named()).isFalse();
    assertThat(registry.identify("app-s3cret").orElseThrow().role()).isEqualTo(Roles.APP);
    assertThat(registry.identify("people-only").orElseThrow().role()).isEqualTo(Roles.OPERATOR);
    assertThat(registry.identify("people-onl")).isEmpty();
    assertThat(registry.identify("s3cre")).isEmpty();
    assertThat(registry.identify("")).isEmpty();
    assertThat(registry.identify(null)).isEmpty();
  }

  @Test
  void aNamedTokenNamesItsCallerWhetherHeldOrKnownByDigest() {
    String dbSentinel = "db-sentinel.a-secret-of-20-chars";
    TokenRegistry registry =
        new TokenRegistry(
            new Tokens(
                List.of(),
                List.of("auth-guard.0123456789abcdefXYZ"),
                List.of(sha256(dbSentinel)),
                List.of()));
    assertThat(registry.identify("auth-guard.0123456789abcdefXYZ"))
        .contains(new Caller("auth-guard", Roles.SERVICE, true));
    assertThat(registry.identify(dbSentinel))
        .contains(new Caller("db-sentinel", Roles.SERVICE, true));
    assertThat(registry.identify("error-watch.0123456789abcdefXYZ")).isEmpty();
  }

  /** A short secret part, or a name that is not a plain lower-case word, names nobody. */
  @Test
  void onlyAWellFormedNameCounts() {
    TokenRegistry registry =
        new TokenRegistry(
            new Tokens(
                List.of(),
                List.of(
                    "auth-guard.short",
                    "Auth-Guard.0123456789abcdefXYZ",
                    "a b.0123456789abcdefXYZ"),
                List.of(),
                List.of()));
    assertThat(registry.identify("auth-guard.short").orElseThrow().named()).isFalse();
    assertThat(registry.identify("Auth-Guard.0123456789abcdefXYZ").orElseThrow().named()).isFalse();
    assertThat(registry.identify("a b.0123456789abcdefXYZ").orElseThrow().named()).isFalse();
  }

  @Test
  void aDigestThatIsNotSha256StopsTheStart() {
    assertThatThrownBy(
            () -> new TokenRegistry(new Tokens(List.of(), List.of(), List.of(), List.of("people"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 hex characters");
    assertThatThrownBy(
            () ->
                new TokenRegistry(
                    new Tokens(List.of(), List.of(), List.of(PEOPLE_ONLY + "0"), List.of())))
        .hasMessageContaining("64 hex characters");
  }

  private static String sha256(String token) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Tokens(
      List<String> app,
      List<String> service,
      List<String> serviceSha256,
      List<String> operatorSha256)
      implements SecurityConfig {
    @Override
    public Optional<List<String>> appTokens() {
      return Optional.of(app);
    }

    @Override
    public Optional<List<String>> appTokenSha256() {
      return Optional.empty();
    }

    @Override
    public Optional<List<String>> serviceTokens() {
      return Optional.of(service);
    }

    @Override
    public Optional<List<String>> serviceTokenSha256() {
      return Optional.of(serviceSha256);
    }

    @Override
    public Optional<List<String>> operatorTokens() {
      return Optional.empty();
    }

    @Override
    public Optional<List<String>> operatorTokenSha256() {
      return Optional.of(operatorSha256);
    }

    @Override
    public Optional<String> outboundToken() {
      return Optional.empty();
    }
  }
}
