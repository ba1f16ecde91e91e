package health.clinicalops.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The drill end to end, as {@code ./clinops drill} runs it: the five service jars built by this
 * reactor, started as processes against real PostgreSQL, Redis and the local Kubernetes API.
 */
class DrillIT {

  @Test
  void everyExpectedAutomatedResponseHappens() throws Exception {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    Timeline timeline = new Timeline();
    Timeline afterKill = new Timeline();
    long killedDrillMillis;
    try (LocalStack stack = new LocalStack(repo, new Progress())) {
      stack.start();
      Drill.play(stack, timeline, new Progress());

      // A service killed mid-drill: its rows fail, the others still pass, nothing hangs.
      stack.services().get("error-watch").kill();
      long started = System.nanoTime();
      new OperatorMaintenanceScenario(stack, afterKill).play();
      killedDrillMillis = (System.nanoTime() - started) / 1_000_000;
    }
    assertFalse(afterKill.allPassed(), "the drill fails when a service is gone");
    afterKill
        .rows()
        .forEach(
            row ->
                assertEquals(
                    !row.action().startsWith("error-watch"),
                    row.ok(),
                    row.action() + ": " + row.note()));
    assertTrue(killedDrillMillis < 30_000, "no hang: " + killedDrillMillis + " ms");
    timeline.print(System.out);
    List<String> actions = timeline.rows().stream().map(Timeline.Row::action).toList();
    for (String expected :
        List.of(
            "rollback-orchestrator follows mode=maintenance",
            "IP blocked",
            "classified: credential stuffing",
            "P1 incident, security team paged",
            "classified: distributed",
            "sessions revoked (\"refreshToken\" = NULL)",
            "P3 incident, product team paged",
            "temporary relief: WRITE limit 30 -> 60",
            "relief expired, WRITE limit back to 30",
            "error-watch alert firing",
            "rollback recommended, awaiting approval",
            "code-only rollback to v2.0.5",
            "error ratio back under 10%, alert resolved",
            "db-sentinel sets mode=read-only",
            "P0 incident, CTO paged",
            "audit-keeper spools events, answers 202",
            "db-sentinel returns mode=normal",
            "zero audit events lost",
            "retried events stored once, none lost",
            "code-only rollback refused (schema 43 vs 42)",
            "maintenance mode on, writes stopped",
            "current state backed up (pg_dump)",
            "pre-deploy backup restored (pg_restore)",
            "v2.0.5 deployed (schema 42)",
            "integrity counts verified",
            "writes resumed, mode=normal")) {
      assertTrue(actions.contains(expected), "the drill checks: " + expected);
    }
    timeline.rows().forEach(row -> assertTrue(row.ok(), row.action() + ": " + row.note()));
  }
}
