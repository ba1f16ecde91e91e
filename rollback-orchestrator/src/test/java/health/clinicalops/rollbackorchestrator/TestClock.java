package health.clinicalops.rollbackorchestrator;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The system clock plus an offset the tests move forward ("16 minutes later") instead of waiting.
 * Replaces ops-kit's Clock bean in every test of this module; with no offset it is the system
 * clock.
 */
public final class TestClock extends Clock {

  public static final TestClock INSTANCE = new TestClock();
  private static final AtomicReference<Duration> OFFSET = new AtomicReference<>(Duration.ZERO);

  /** Moves the clock forward. */
  public static void advance(Duration by) {
    OFFSET.updateAndGet(o -> o.plus(by));
  }

  /** Back to the system clock. */
  public static void reset() {
    OFFSET.set(Duration.ZERO);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(OFFSET.get());
  }

  /** Puts this clock in place of the system clock. */
  public static class Producer {
    @Produces
    @Alternative
    @Priority(10)
    @Singleton
    Clock clock() {
      return INSTANCE;
    }
  }
}
