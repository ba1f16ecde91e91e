package health.clinicalops.rollbackorchestrator.common;

import java.time.Duration;

/** The wait before the next attempt of a page or an email: doubling from initial, capped at max. */
public final class RetryBackoff {

  private RetryBackoff() {}

  public static Duration after(int attempts, Duration initial, Duration max) {
    Duration delay = initial.multipliedBy(1L << Math.min(attempts - 1, 20));
    return delay.compareTo(max) > 0 ? max : delay;
  }
}
