package health.clinicalops.opskit.opsstate;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** The app's operating mode, as written under {@link OpsStateKeys#MODE}. */
public enum Mode {
  /** All traffic served. */
  NORMAL("normal"),
  /** Reads work; writes get 503 with Retry-After. */
  READ_ONLY("read-only"),
  /** All app traffic gets 503. */
  MAINTENANCE("maintenance");

  private final String wireValue;

  Mode(String wireValue) {
    this.wireValue = wireValue;
  }

  @JsonValue
  public String wireValue() {
    return wireValue;
  }

  public static Optional<Mode> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String trimmed = value.trim();
    return Arrays.stream(values()).filter(m -> m.wireValue.equalsIgnoreCase(trimmed)).findFirst();
  }

  @JsonCreator
  public static Mode fromWire(String value) {
    return parse(value)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "mode must be one of normal, read-only, maintenance, not '" + value + "'"));
  }
}
