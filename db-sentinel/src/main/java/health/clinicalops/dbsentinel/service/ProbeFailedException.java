package health.clinicalops.dbsentinel.service;

import health.clinicalops.dbsentinel.domain.ProbeResult;

/** A failed probe, thrown so the circuit breaker around the probe counts it. */
public class ProbeFailedException extends RuntimeException {

  private final transient ProbeResult result;

  public ProbeFailedException(ProbeResult result) {
    super(result.failureCause().wireValue() + ": " + result.detail(), null, false, false);
    this.result = result;
  }

  public ProbeResult result() {
    return result;
  }
}
