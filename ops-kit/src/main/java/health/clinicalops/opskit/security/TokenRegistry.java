package health.clinicalops.opskit.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Knows the configured tokens only by their SHA-256 digests and matches a presented token against
 * all of them in constant time: every digest is compared, whatever matched, and digests have a
 * fixed length, so neither timing nor length tells which token (or how much of one) was right.
 */
@ApplicationScoped
public class TokenRegistry {

  /** Who presented a token: its role and a name derived from its digest (never the token). */
  public record Caller(String name, String role) {}

  private record KnownToken(byte[] digest, String role, String name) {}

  private final List<KnownToken> known = new ArrayList<>();

  TokenRegistry(SecurityConfig config) {
    config.appTokens().orElse(List.of()).forEach(t -> register(t, Roles.APP));
    config.serviceTokens().orElse(List.of()).forEach(t -> register(t, Roles.SERVICE));
    config.operatorTokens().orElse(List.of()).forEach(t -> register(t, Roles.OPERATOR));
    config
        .operatorTokenSha256()
        .orElse(List.of())
        .forEach(hex -> registerDigest(hex, Roles.OPERATOR));
  }

  private void register(String token, String role) {
    if (token == null || token.isBlank()) {
      return;
    }
    registerDigest(sha256(token.trim()), role);
  }

  private void registerDigest(String hex, String role) {
    String digest = hex == null ? "" : hex.trim().toLowerCase(Locale.ROOT);
    if (!digest.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "an operator token digest must be 64 hex characters (SHA-256), got "
              + digest.length()
              + " characters");
    }
    registerDigest(HexFormat.of().parseHex(digest), role);
  }

  private void registerDigest(byte[] digest, String role) {
    String name = role + ":" + HexFormat.of().formatHex(digest, 0, 4);
    known.add(new KnownToken(digest, role, name));
  }

  public Optional<Caller> identify(String presentedToken) {
    if (presentedToken == null) {
      return Optional.empty();
    }
    byte[] presented = sha256(presentedToken);
    KnownToken match = null;
    for (KnownToken candidate : known) {
      if (MessageDigest.isEqual(candidate.digest(), presented) && match == null) {
        match = candidate;
      }
    }
    return Optional.ofNullable(match).map(m -> new Caller(m.name(), m.role()));
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
