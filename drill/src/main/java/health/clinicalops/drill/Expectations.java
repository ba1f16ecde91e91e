package health.clinicalops.drill;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Waits for one expected automated response and writes its timeline row either way. */
final class Expectations {

  private final Timeline timeline;

  Expectations(Timeline timeline) {
    this.timeline = timeline;
  }

  boolean expect(
      String runbook,
      String event,
      String action,
      Instant triggered,
      String byHand,
      String note,
      Duration timeout,
      BooleanSupplier happened) {
    if (Await.until(timeout, happened)) {
      timeline.passed(runbook, event, action, triggered, byHand, note);
      return true;
    }
    timeline.failed(
        runbook, event, action, triggered, byHand, "not within " + timeout.toSeconds() + " s");
    return false;
  }
}
