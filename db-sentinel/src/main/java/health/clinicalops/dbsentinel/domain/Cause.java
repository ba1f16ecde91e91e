package health.clinicalops.dbsentinel.domain;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why the database is not healthy. The runbook's responses differ per cause: only an unreachable
 * database leads to read-only mode and failover; rejected credentials and exhausted slots mean the
 * server answers, so failing over would make things worse.
 */
public enum Cause {
  NONE("none", false),
  /** SQLState 28P01/28000: password wrong or rotated, role missing or not allowed. */
  AUTHENTICATION("authentication", false),
  /** Connection refused, reset or timed out, host unknown (SQLState class 08). */
  NETWORK("network", true),
  /** The server is starting up or shutting down (SQLState 57P01–57P03). */
  SERVER_UNAVAILABLE("server-unavailable", true),
  /** {@code SELECT 1} did not answer within the probe timeout. */
  TIMEOUT("timeout", true),
  /** SQLState 53300 too_many_connections: the server refuses new connections. */
  POOL_EXHAUSTION("pool-exhaustion", false),
  /** Used connections above the saturation threshold (degraded). */
  SATURATION("saturation", false),
  /** {@code SELECT 1} slower than the slow-latency setting (degraded). */
  SLOW("slow", false),
  /** The probe circuit is open: no probe is sent until its delay has passed. */
  CIRCUIT_OPEN("circuit-open", true),
  /** Any other failure. */
  OTHER("other", true);

  private final String wireValue;
  private final boolean unreachable;

  Cause(String wireValue, boolean unreachable) {
    this.wireValue = wireValue;
    this.unreachable = unreachable;
  }

  @JsonValue
  public String wireValue() {
    return wireValue;
  }

  /** True when the database does not answer at all: the case for read-only mode and failover. */
  public boolean meansUnreachable() {
    return unreachable;
  }
}
