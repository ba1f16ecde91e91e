package health.clinicalops.dbsentinel.domain;

import com.fasterxml.jackson.annotation.JsonValue;

/** State of the circuit breaker around the primary's probe. */
public enum CircuitState {
  CLOSED("closed"),
  OPEN("open"),
  HALF_OPEN("half-open");

  private final String wireValue;

  CircuitState(String wireValue) {
    this.wireValue = wireValue;
  }

  @JsonValue
  public String wireValue() {
    return wireValue;
  }
}
