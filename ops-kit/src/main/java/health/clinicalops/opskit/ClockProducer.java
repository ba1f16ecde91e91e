package health.clinicalops.opskit;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;

/** The system UTC clock, replaceable by a test's own {@link Clock} bean. */
@ApplicationScoped
public class ClockProducer {

  @Produces
  @DefaultBean
  @ApplicationScoped
  Clock systemClock() {
    return Clock.systemUTC();
  }
}
