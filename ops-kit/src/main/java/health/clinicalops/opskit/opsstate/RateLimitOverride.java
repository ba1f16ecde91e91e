package health.clinicalops.opskit.opsstate;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A temporary rate-limit override, written under {@code ratelimit.override.<POLICY>} as {@code
 * <max>/<window>;expiresAt=<RFC 3339>}, e.g. {@code 60/1m;expiresAt=2026-01-16T10:15:00Z}. A value
 * read from the ConfigMap is accepted only with a window of at most {@link #MAX_WINDOW} and an
 * expiry with a four-digit year, so that no later arithmetic on it can overflow.
 */
public record RateLimitOverride(String policy, int max, Duration window, Instant expiresAt) {

  /** The longest window an override read from the ConfigMap may have. */
  public static final Duration MAX_WINDOW = Duration.ofDays(1);

  private static final Instant LATEST_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");

  private static final Pattern WIRE =
      Pattern.compile("^\\s*(\\d+)\\s*/\\s*(\\d+)([smh])\\s*;\\s*expiresAt=(\\S+)\\s*$");

  public RateLimitOverride {
    if (max <= 0) {
      throw new IllegalArgumentException("max must be positive");
    }
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("window must be positive");
    }
  }

  public boolean isActive(Instant now) {
    return now.isBefore(expiresAt);
  }

  public String toWire() {
    return max + "/" + formatWindow(window) + ";expiresAt=" + expiresAt;
  }

  /**
   * Parses the wire form; empty when the value is malformed or out of range (an operator typo never
   * throws).
   */
  public static Optional<RateLimitOverride> parse(String policy, String value) {
    if (value == null) {
      return Optional.empty();
    }
    Matcher m = WIRE.matcher(value);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      int max = Integer.parseInt(m.group(1));
      long amount = Long.parseLong(m.group(2));
      Duration window =
          switch (m.group(3).toLowerCase(Locale.ROOT)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
          };
      Instant expiresAt = Instant.parse(m.group(4));
      if (window.compareTo(MAX_WINDOW) > 0 || expiresAt.isAfter(LATEST_EXPIRY)) {
        return Optional.empty();
      }
      return Optional.of(new RateLimitOverride(policy, max, window, expiresAt));
    } catch (IllegalArgumentException | ArithmeticException | DateTimeException e) {
      return Optional.empty();
    }
  }

  private static String formatWindow(Duration window) {
    long seconds = window.toSeconds();
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
