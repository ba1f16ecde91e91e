package health.clinicalops.errorwatch.testsupport;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock the tests set; the system clock until they do. Replaces ops-kit's Clock bean. */
public final class TestClock extends Clock {

  public static final TestClock INSTANCE = new TestClock();
  private static final AtomicReference<Instant> NOW = new AtomicReference<>();

  public static void set(Instant now) {
    NOW.set(now);
  }

  public static void reset() {
    NOW.set(null);
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
    Instant now = NOW.get();
    return now == null ? Instant.now() : now;
  }

  /** The CDI producer that puts this clock in place of the system clock. */
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
