package health.clinicalops.opskit.opsstate;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** Which database the app should use, as written under {@link OpsStateKeys#DATABASE_TARGET}. */
public enum DatabaseTarget {
  PRIMARY("primary"),
  BACKUP("backup");

  private final String wireValue;

  DatabaseTarget(String wireValue) {
    this.wireValue = wireValue;
  }

  @JsonValue
  public String wireValue() {
    return wireValue;
  }

  public static Optional<DatabaseTarget> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String trimmed = value.trim();
    return Arrays.stream(values()).filter(t -> t.wireValue.equalsIgnoreCase(trimmed)).findFirst();
  }
}
