package health.clinicalops.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock tests move instead of waiting: the system clock until a test sets an instant ({@link
 * #set}) or moves time forward ({@link #advance}, "16 minutes later"). A module puts it in place of
 * ops-kit's {@code Clock} bean with a small producer in its test sources
 * ({@code @Produces @Alternative @Priority(10) @Singleton Clock clock() { return
 * TestClock.INSTANCE; }}).
 */
public final class TestClock extends Clock {

  public static final TestClock INSTANCE = new TestClock();

  private record Setting(Instant fixed, Duration offset) {}

  private static final AtomicReference<Setting> SETTING =
      new AtomicReference<>(new Setting(null, Duration.ZERO));

  private TestClock() {}

  /** Stops the clock at {@code now}. */
  public static void set(Instant now) {
    SETTING.set(new Setting(now, Duration.ZERO));
  }

  /** Moves the clock forward by {@code by}, set or not. */
  public static void advance(Duration by) {
    SETTING.updateAndGet(s -> new Setting(s.fixed(), s.offset().plus(by)));
  }

  /** Back to the system clock. */
  public static void reset() {
    SETTING.set(new Setting(null, Duration.ZERO));
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
    Setting s = SETTING.get();
    return (s.fixed() == null ? Instant.now() : s.fixed()).plus(s.offset());
  }
}
