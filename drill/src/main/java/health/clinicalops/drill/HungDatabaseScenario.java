package health.clinicalops.drill;

import health.clinicalops.testing.ServiceProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * The app database hangs instead of refusing: its processes are frozen (SIGSTOP) for 16 s, which is
 * what a dead network path looks like to a client. A write in flight when it froze waits for
 * audit-keeper's {@code database.write-timeout} (5 s), then goes to the spool, and so does every
 * write behind it. The app's audit calls time out after 2 s and are retried with the same id, so
 * audit-keeper's spool gets copies of one event. Runbook "Audit Log Failure": when the database
 * answers again the spool drains, and every acknowledged event is in "AuditLog" exactly once.
 */
final class HungDatabaseScenario {

  static final Duration HANG = Duration.ofSeconds(16);

  private final LocalStack stack;
  private final Timeline timeline;
  private final Expectations expectations;

  HungDatabaseScenario(LocalStack stack, Timeline timeline) {
    this.stack = stack;
    this.timeline = timeline;
    this.expectations = new Expectations(timeline);
  }

  void play() throws Exception {
    ServiceProcess auditKeeper = stack.services().get("audit-keeper");
    try (AuditEventStream stream = AuditEventStream.retrying(auditKeeper, Duration.ofSeconds(2))) {
      stream.start();
      Await.until(Duration.ofSeconds(2), () -> stream.acknowledged().size() >= 20);

      Instant frozen = Instant.now();
      stack.postgres().freeze();
      String event = "app database hangs (frozen " + HANG.toSeconds() + " s)";
      try {
        expectations.expect(
            DatabaseOutageScenario.AUDIT_RUNBOOK,
            event,
            "audit-keeper spools events, answers 202",
            frozen,
            "2 min (step 1)",
            "clients time out after 2 s and retry",
            HANG,
            () ->
                Health.readinessData(auditKeeper, "audit-spool").path("spooling").asBoolean()
                    && stream.spooledAnswers() > 0);
        Await.until(HANG.minus(Duration.between(frozen, Instant.now())), () -> false);
      } finally {
        stack.postgres().thaw();
      }
      Instant thawed = Instant.now();
      stream.close();
      String back = "app database answers again";
      expectations.expect(
          DatabaseOutageScenario.AUDIT_RUNBOOK,
          back,
          "spool drained into \"AuditLog\"",
          thawed,
          "check for any missed audit events (step 6)",
          "",
          Duration.ofSeconds(60),
          () -> {
            var spool = Health.readinessData(auditKeeper, "audit-spool");
            return spool.path("spoolDepth").asInt(-1) == 0
                && !spool.path("spooling").asBoolean(true);
          });
      Set<String> acknowledged = stream.acknowledged();
      long stored = AppDatabase.storedAuditEvents(stack.postgres(), acknowledged);
      String note =
          acknowledged.size()
              + " acknowledged, "
              + stored
              + " stored, "
              + stream.retries()
              + " calls retried";
      if (stored == acknowledged.size() && stream.retries() > 0) {
        timeline.passed(
            DatabaseOutageScenario.AUDIT_RUNBOOK,
            back,
            "retried events stored once, none lost",
            thawed,
            "-",
            note);
      } else {
        timeline.failed(
            DatabaseOutageScenario.AUDIT_RUNBOOK,
            back,
            "retried events stored once, none lost",
            thawed,
            "-",
            note);
      }
      // db-sentinel may have set read-only while the database hung; the next scenario needs writes.
      Await.until(
          Duration.ofSeconds(30), () -> "normal".equals(stack.cluster().opsState().get("mode")));
    }
  }
}
