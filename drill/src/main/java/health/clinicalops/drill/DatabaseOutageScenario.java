package health.clinicalops.drill;

import health.clinicalops.testing.ServiceProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * The app database goes away while the app keeps writing audit events. Runbooks "Database
 * Connectivity Loss" (db-sentinel: read-only mode, P0 to the CTO, back to normal) and "Audit Log
 * Failure" (audit-keeper: spool, drain, not one acknowledged event lost).
 */
final class DatabaseOutageScenario {

  static final String DB_RUNBOOK = "Database Connectivity Loss";
  static final String AUDIT_RUNBOOK = "Audit Log Failure";

  private final LocalStack stack;
  private final Timeline timeline;
  private final Expectations expectations;

  DatabaseOutageScenario(LocalStack stack, Timeline timeline) {
    this.stack = stack;
    this.timeline = timeline;
    this.expectations = new Expectations(timeline);
  }

  void play() throws Exception {
    ServiceProcess auditKeeper = stack.services().get("audit-keeper");
    int pagesBefore = stack.pager().requestsTo("/cto").size();
    try (AuditEventStream stream = new AuditEventStream(auditKeeper)) {
      stream.start();
      Await.until(Duration.ofSeconds(2), () -> stream.acknowledged().size() >= 20);

      Instant stopped = Instant.now();
      stack.postgres().stop();
      String event = "app database stopped";
      expectations.expect(
          DB_RUNBOOK,
          event,
          "db-sentinel sets mode=read-only",
          stopped,
          "5 min (steps 1-3)",
          "detection delay 2 s (setting)",
          Duration.ofSeconds(20),
          () ->
              "read-only".equals(stack.cluster().opsState().get("mode"))
                  && "db-sentinel".equals(stack.cluster().opsState().get("mode.setBy")));
      expectations.expect(
          DB_RUNBOOK,
          event,
          "P0 incident, CTO paged",
          stopped,
          "at once (escalation)",
          "",
          Duration.ofSeconds(20),
          () -> stack.pager().requestsTo("/cto").size() > pagesBefore);
      expectations.expect(
          AUDIT_RUNBOOK,
          event,
          "audit-keeper spools events, answers 202",
          stopped,
          "2 min (step 1)",
          "",
          Duration.ofSeconds(20),
          () ->
              Health.readinessData(auditKeeper, "audit-spool").path("spooling").asBoolean()
                  && stream.spooledAnswers() > 0);

      int spooledBefore = stream.spooledAnswers();
      Await.until(Duration.ofSeconds(5), () -> stream.spooledAnswers() >= spooledBefore + 50);
      Instant restarted = Instant.now();
      stack.postgres().restart();
      String back = "app database back";
      expectations.expect(
          DB_RUNBOOK,
          back,
          "db-sentinel returns mode=normal",
          restarted,
          "-",
          "settling time 3 s (setting)",
          Duration.ofSeconds(30),
          () -> "normal".equals(stack.cluster().opsState().get("mode")));
      stream.close();
      expectations.expect(
          AUDIT_RUNBOOK,
          back,
          "spool drained into \"AuditLog\"",
          restarted,
          "check for any missed audit events (step 6)",
          "",
          Duration.ofSeconds(60),
          () -> Health.readinessData(auditKeeper, "audit-spool").path("spoolDepth").asInt(-1) == 0);
      Set<String> acknowledged = stream.acknowledged();
      long stored = AppDatabase.storedAuditEvents(stack.postgres(), acknowledged);
      String note =
          acknowledged.size()
              + " acknowledged, "
              + stored
              + " stored, "
              + stream.spooledAnswers()
              + " via the spool";
      if (stored == acknowledged.size()) {
        timeline.passed(AUDIT_RUNBOOK, back, "zero audit events lost", restarted, "-", note);
      } else {
        timeline.failed(AUDIT_RUNBOOK, back, "zero audit events lost", restarted, "-", note);
      }
    }
  }
}
