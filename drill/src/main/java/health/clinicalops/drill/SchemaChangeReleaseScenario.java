package health.clinicalops.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.testing.ServiceProcess;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Runbook "Rollback Deployment", with database: release v2.1.0 migrates the schema to 43 and its
 * migration loses clinical notes. A code-only rollback must be refused (schema 43 is not v2.0.5's
 * 42); the on-call engineer asks for a rollback with database, and rollback-orchestrator does the
 * runbook's six steps: maintenance, backup, restore of the pre-deploy backup, deploy, integrity
 * counts, writes resumed — and the audit trail, written all along, loses nothing.
 */
final class SchemaChangeReleaseScenario {

  static final String RUNBOOK = "Rollback Deployment";
  static final String GOOD = BadReleaseScenario.GOOD;
  static final String MIGRATING = "registry.local/clinical-app:v2.1.0";
  static final String BACKUP = "predeploy-v2.1.0";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalStack stack;
  private final Timeline timeline;
  private final Expectations expectations;

  SchemaChangeReleaseScenario(LocalStack stack, Timeline timeline) {
    this.stack = stack;
    this.timeline = timeline;
    this.expectations = new Expectations(timeline);
  }

  void play() throws Exception {
    ServiceProcess orchestrator = stack.services().get("rollback-orchestrator");
    try (AuditEventStream audit = new AuditEventStream(stack.services().get("audit-keeper"))) {
      audit.start();
      long notesBefore = AppDatabase.count(stack.postgres(), "ClinicalNote");

      // The deploy pipeline: a named backup, then the release and its migration.
      ServiceProcess.Response backup =
          orchestrator.postJson(
              "/api/v1/database-backups",
              LocalStack.SERVICE_TOKEN,
              "{\"name\":\"" + BACKUP + "\"}");
      if (!backup.ok()) {
        timeline.failed(
            RUNBOOK,
            "the pipeline deploys v2.1.0",
            "pre-deploy backup " + BACKUP,
            Instant.now(),
            "-",
            backup.status() + " " + backup.body());
        return;
      }
      stack.app().deploy(MIGRATING, "43");
      stack
          .postgres()
          .execute(
              AppDatabase.APP,
              "ALTER TABLE \"ClinicalNote\" ADD COLUMN IF NOT EXISTS summary text;"
                  + " DELETE FROM \"ClinicalNote\" WHERE id LIKE '%0' OR id LIKE '%5'");
      long notesAfterMigration = AppDatabase.count(stack.postgres(), "ClinicalNote");

      Instant noticed = Instant.now();
      String release =
          String.format(
              "release v2.1.0 migrated to schema 43, notes %d -> %d",
              notesBefore, notesAfterMigration);
      ServiceProcess.Response codeOnly =
          orchestrator.postJson(
              "/api/v1/rollbacks",
              LocalStack.SERVICE_TOKEN,
              "{\"deployment\":\"clinical-app\",\"reason\":\"notes failing since v2.1.0\"}");
      expectations.expect(
          RUNBOOK,
          release,
          "code-only rollback refused (schema 43 vs 42)",
          noticed,
          "checklist: did a migration run?",
          "",
          Duration.ofSeconds(1),
          () -> codeOnly.status() == 409 && codeOnly.body().contains("schema"));

      Instant asked = Instant.now();
      ServiceProcess.Response requested =
          orchestrator.postJson(
              "/api/v1/rollbacks",
              LocalStack.OPERATOR_TOKEN,
              "{\"deployment\":\"clinical-app\",\"reason\":\"v2.1.0 migration lost notes\","
                  + "\"database\":{\"backup\":\""
                  + BACKUP
                  + "\"}}");
      String id = "";
      if (requested.status() == 202) {
        id = JSON.readTree(requested.body()).path("id").asText();
      } else {
        System.err.println(
            "rollback with database refused: " + requested.status() + " " + requested.body());
      }
      Procedure procedure = new Procedure(orchestrator, id, asked);
      procedure.expect(
          "maintenance mode on, writes stopped",
          "2 min (step 1)",
          "",
          () ->
              procedure.done("MAINTENANCE_ON")
                  && "maintenance".equals(stack.cluster().opsState().get("mode")));
      procedure.expect(
          "current state backed up (pg_dump)",
          "5 min (step 2)",
          "",
          () -> procedure.done("BACKUP"));
      procedure.expect(
          "pre-deploy backup restored (pg_restore)",
          "15 min (step 3)",
          "all but the audit trail",
          () -> procedure.done("RESTORE"));
      procedure.expect(
          "v2.0.5 deployed (schema 42)",
          "5 min (step 4)",
          "",
          () -> procedure.done("AWAIT_ROLLOUT") && GOOD.equals(stack.app().currentImage()));
      procedure.expect(
          "integrity counts verified",
          "3 min (step 5)",
          "notes back to " + notesBefore,
          () -> procedure.done("VERIFY_DATA") && notes() == notesBefore);
      procedure.expect(
          "writes resumed, mode=normal",
          "step 6",
          "",
          () ->
              procedure.done("MAINTENANCE_OFF")
                  && "normal".equals(stack.cluster().opsState().getOrDefault("mode", "normal")));
      audit.close();
      Set<String> acknowledged = audit.acknowledged();
      long stored = AppDatabase.storedAuditEvents(stack.postgres(), acknowledged);
      String note = acknowledged.size() + " acknowledged while it ran, " + stored + " stored";
      if (!acknowledged.isEmpty() && stored == acknowledged.size()) {
        timeline.passed(RUNBOOK, Procedure.EVENT, "zero audit events lost", asked, "-", note);
      } else {
        timeline.failed(RUNBOOK, Procedure.EVENT, "zero audit events lost", asked, "-", note);
      }
    }
  }

  private long notes() {
    try {
      return AppDatabase.count(stack.postgres(), "ClinicalNote");
    } catch (SQLException e) {
      return -1;
    }
  }

  /** The rollback procedure asked for at {@code asked}: one timeline row per runbook step. */
  private final class Procedure {

    static final String EVENT = "on-call asks for a rollback with database";

    private final ServiceProcess orchestrator;
    private final String id;
    private final Instant asked;

    Procedure(ServiceProcess orchestrator, String id, Instant asked) {
      this.orchestrator = orchestrator;
      this.id = id;
      this.asked = asked;
    }

    void expect(String action, String byHand, String note, BooleanSupplier happened) {
      expectations.expect(
          RUNBOOK,
          EVENT,
          action,
          asked,
          byHand,
          note,
          Duration.ofSeconds(id.isEmpty() ? 1 : 60),
          happened);
    }

    /** True once the rollback's {@code step} is done. */
    boolean done(String step) {
      ServiceProcess.Response rollback =
          orchestrator.get("/api/v1/rollbacks/" + id, LocalStack.OPERATOR_TOKEN);
      if (id.isEmpty() || !rollback.ok()) {
        return false;
      }
      try {
        for (JsonNode s : JSON.readTree(rollback.body()).path("steps")) {
          if (step.equals(s.path("name").asText()) && "done".equals(s.path("outcome").asText())) {
            return true;
          }
        }
        return false;
      } catch (IOException e) {
        return false;
      }
    }
  }
}
