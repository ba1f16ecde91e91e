package health.clinicalops.opskit.opsstate;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A typed, immutable view of the ops-state ConfigMap's data. Malformed values never throw: they are
 * listed in {@link #problems()} and the key falls back to its safe default. For {@code mode} that
 * is {@link Mode#MAINTENANCE}, the strictest mode: a typo such as {@code maintenence} must not
 * reopen writes.
 */
public record OpsState(
    ModeSetting modeSetting,
    DatabaseTarget databaseTarget,
    Map<String, RateLimitOverride> rateLimitOverrides,
    List<String> problems,
    Map<String, String> data) {

  public static final OpsState EMPTY = fromData(Map.of());

  public OpsState {
    rateLimitOverrides = Map.copyOf(rateLimitOverrides);
    problems = List.copyOf(problems);
    data = Map.copyOf(data);
  }

  /** The mode in force at {@code now}: a leased mode whose lease ran out falls back to normal. */
  public Mode effectiveMode(Instant now) {
    return modeSetting.isInForce(now) ? modeSetting.mode() : Mode.NORMAL;
  }

  public Optional<RateLimitOverride> activeOverride(String policy, Instant now) {
    return Optional.ofNullable(rateLimitOverrides.get(policy)).filter(o -> o.isActive(now));
  }

  public static OpsState fromData(Map<String, String> rawData) {
    Map<String, String> data = rawData == null ? Map.of() : rawData;
    List<String> problems = new ArrayList<>();

    String modeValue = data.get(OpsStateKeys.MODE);
    Mode mode = Mode.NORMAL;
    if (modeValue != null) {
      Optional<Mode> parsed = Mode.parse(modeValue);
      if (parsed.isPresent()) {
        mode = parsed.get();
      } else {
        mode = Mode.MAINTENANCE;
        problems.add("mode: unknown value '" + modeValue + "', treated as maintenance");
      }
    }
    ModeSetting setting =
        new ModeSetting(
            mode,
            data.getOrDefault(OpsStateKeys.MODE_REASON, ""),
            data.getOrDefault(OpsStateKeys.MODE_SET_BY, ""),
            parseInstant(data, OpsStateKeys.MODE_SINCE, problems),
            parseInstant(data, OpsStateKeys.MODE_LEASE_EXPIRES_AT, problems));

    String targetValue = data.get(OpsStateKeys.DATABASE_TARGET);
    DatabaseTarget target = DatabaseTarget.PRIMARY;
    if (targetValue != null) {
      Optional<DatabaseTarget> parsed = DatabaseTarget.parse(targetValue);
      if (parsed.isPresent()) {
        target = parsed.get();
      } else {
        problems.add("database.target: unknown value '" + targetValue + "', treated as primary");
      }
    }

    Map<String, RateLimitOverride> overrides = new TreeMap<>();
    data.forEach(
        (key, value) -> {
          if (key.startsWith(OpsStateKeys.RATE_LIMIT_OVERRIDE_PREFIX)) {
            String policy = key.substring(OpsStateKeys.RATE_LIMIT_OVERRIDE_PREFIX.length());
            RateLimitOverride.parse(policy, value)
                .ifPresentOrElse(
                    o -> overrides.put(policy, o),
                    () -> problems.add(key + ": malformed value '" + value + "', ignored"));
          }
        });
    return new OpsState(setting, target, overrides, problems, data);
  }

  private static Optional<Instant> parseInstant(
      Map<String, String> data, String key, List<String> problems) {
    String value = data.get(key);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(value.trim()));
    } catch (DateTimeParseException e) {
      problems.add(key + ": not an RFC 3339 time '" + value + "'");
      return Optional.empty();
    }
  }
}
