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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Knows the configured tokens only by their SHA-256 digests and matches a presented token against
 * all of them in constant time: every digest is compared, whatever matched, and digests have a
 * fixed length, so neither timing nor length tells which token (or how much of one) was right.
 *
 * <p>A token may carry its holder's name: {@code auth-guard.<random>} is auth-guard's own token,
 * and its caller is named {@code auth-guard}. Since the digest covers the whole token, nobody gets
 * that name without holding the token. A token without a name (the shared tokens of earlier
 * versions) gives a caller named by its role and the first bytes of its digest, e.g. {@code
 * service:1a2b3c4d}.
 */
@ApplicationScoped
public class TokenRegistry {

  /**
   * {@code <name>.<secret>}: a lower-case name such as a service's, then at least 16 characters.
   */
  private static final Pattern NAMED_TOKEN = Pattern.compile("([a-z][a-z0-9-]{0,62})\\.(.{16,})");

  private record KnownToken(byte[] digest, String role) {}

  private final List<KnownToken> known = new ArrayList<>();

  TokenRegistry(SecurityConfig config) {
    config.appTokens().orElse(List.of()).forEach(t -> register(t, Roles.APP));
    config.appTokenSha256().orElse(List.of()).forEach(hex -> registerDigest(hex, Roles.APP));
    config.serviceTokens().orElse(List.of()).forEach(t -> register(t, Roles.SERVICE));
    config
        .serviceTokenSha256()
        .orElse(List.of())
        .forEach(hex -> registerDigest(hex, Roles.SERVICE));
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
    known.add(new KnownToken(sha256(token.trim()), role));
  }

  private void registerDigest(String hex, String role) {
    String digest = hex == null ? "" : hex.trim().toLowerCase(Locale.ROOT);
    if (digest.isEmpty()) {
      return;
    }
    if (!digest.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "a token digest must be 64 hex characters (SHA-256), got "
              + digest.length()
              + " characters");
    }
    known.add(new KnownToken(HexFormat.of().parseHex(digest), role));
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
    return Optional.ofNullable(match).map(m -> callerOf(presentedToken, presented, m.role()));
  }

  private static Caller callerOf(String token, byte[] digest, String role) {
    Matcher named = NAMED_TOKEN.matcher(token);
    if (named.matches()) {
      return new Caller(named.group(1), role, true);
    }
    return new Caller(role + ":" + HexFormat.of().formatHex(digest, 0, 4), role, false);
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
