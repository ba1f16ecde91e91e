package health.clinicalops.errorwatch.testsupport;

import health.clinicalops.testing.TestClock;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Puts the tests' movable clock in place of ops-kit's system clock in every test. */
public class TestClockProducer {

  @Produces
  @Alternative
  @Priority(10)
  @Singleton
  Clock clock() {
    return TestClock.INSTANCE;
  }
}
