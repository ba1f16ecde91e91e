package health.clinicalops.dbsentinel.domain;

import com.fasterxml.jackson.annotation.JsonValue;

/** What the sentinel concludes about the primary database. */
public enum DatabaseState {
  /** Answers quickly with free connection slots. */
  HEALTHY("healthy"),
  /** Answers, but slots are nearly exhausted or answers are slow. */
  DEGRADED("degraded"),
  /** Does not answer {@code SELECT 1} (or refuses the sentinel). */
  DOWN("down");

  private final String wireValue;

  DatabaseState(String wireValue) {
    this.wireValue = wireValue;
  }

  @JsonValue
  public String wireValue() {
    return wireValue;
  }
}
