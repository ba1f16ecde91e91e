package health.clinicalops.dbsentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.clinicalops.dbsentinel.testsupport.FakeAuditKeeperResource;
import health.clinicalops.dbsentinel.testsupport.FakeIncidentsResource;
import health.clinicalops.dbsentinel.testsupport.SentinelDatabasesTestResource;
import health.clinicalops.opskit.opsstate.DatabaseTarget;
import health.clinicalops.opskit.opsstate.Mode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Runbook step 6: failover to the backup only when it is healthy, only after the failover delay (5
 * s in tests, 40 s by default), never while the primary answers; and back once the primary has
 * answered for the settling time.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(SentinelDatabasesTestResource.class)
class FailoverTest extends SentinelTestBase {

  private static final Duration FAILOVER_DELAY = Duration.ofSeconds(5);
  private static final Duration PROBE_INTERVAL = Duration.ofMillis(500);

  @Test
  void failsOverToAHealthyBackupOnlyAfterTheDelayAndSwitchesBack() {
    Instant stopped = Instant.now();
    primary.stop();
    await().atMost(Duration.ofSeconds(4)).until(() -> mode() == Mode.READ_ONLY);

    // Not before the failover delay (counted from the last answer, at most one interval before).
    Duration beforeDelay =
        Duration.between(Instant.now(), stopped.plus(FAILOVER_DELAY).minus(PROBE_INTERVAL));
    await()
        .during(beforeDelay.minusMillis(200))
        .atMost(beforeDelay.plusSeconds(1))
        .until(() -> target() == DatabaseTarget.PRIMARY);
    await().atMost(Duration.ofSeconds(3)).until(() -> target() == DatabaseTarget.BACKUP);
    Duration failedOverAfter = Duration.between(stopped, Instant.now());
    assertTrue(
        failedOverAfter.compareTo(FAILOVER_DELAY.minus(PROBE_INTERVAL)) >= 0,
        "failed over after " + failedOverAfter);
    assertEquals(Mode.READ_ONLY, mode(), "read-only stays on: no write lands on the backup");
    assertEquals("backup", status().getString("target"));
    assertEquals("down", status().getString("state"));
    await()
        .atMost(Duration.ofSeconds(3))
        .until(
            () ->
                !FakeIncidentsResource.withStep("database.target.backup").isEmpty()
                    && FakeAuditKeeperResource.has("database.target.backup"));

    primary.restart();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> target() == DatabaseTarget.PRIMARY && mode() == Mode.NORMAL);
    await()
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(() -> FakeIncidentsResource.assertStep("database.target.primary"));
  }

  @Test
  void writesThatReachedTheBackupKeepTheAppOnItUntilAPersonHasCarriedThemOver() {
    primary.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> target() == DatabaseTarget.BACKUP);
    // Someone lifted read-only while on the backup: a clinical note was written there.
    backup.execute(
        SentinelDatabasesTestResource.DATABASE,
        "CREATE TABLE IF NOT EXISTS written_on_backup (note text);"
            + " INSERT INTO written_on_backup VALUES ('written during the outage')");

    primary.restart();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(FakeIncidentsResource.withStep("database.failback.refused"))
                    .singleElement()
                    .satisfies(
                        r ->
                            assertThat(r.step().detail())
                                .contains("1 rows were written to the backup")
                                .contains("set database.target=primary")));
    // Well past the settling time the app is still on the backup, and writes stay off.
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(6))
        .until(() -> target() == DatabaseTarget.BACKUP && mode() == Mode.READ_ONLY);
    assertThat(FakeIncidentsResource.withStep("database.target.primary")).isEmpty();

    // The on-call engineer carried the note over and switches back by hand.
    writer.setDatabaseTarget(DatabaseTarget.PRIMARY);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(mode()).isEqualTo(Mode.NORMAL);
              assertThat(responder.openIncidentKeys()).isEmpty();
            });
    backup.execute(SentinelDatabasesTestResource.DATABASE, "DROP TABLE written_on_backup");
  }

  @Test
  void neverFailsOverToAnUnhealthyBackup() {
    backup.stop();
    Instant stopped = Instant.now();
    primary.stop();
    await().atMost(Duration.ofSeconds(4)).until(() -> mode() == Mode.READ_ONLY);

    Duration pastDelay =
        Duration.between(Instant.now(), stopped.plus(FAILOVER_DELAY).plusSeconds(1));
    await()
        .during(pastDelay)
        .atMost(pastDelay.plusSeconds(1))
        .until(() -> target() == DatabaseTarget.PRIMARY);
    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(() -> FakeIncidentsResource.assertStep("database.failover.withheld"));

    // Once the backup is healthy again, the still-unreachable primary is failed over.
    backup.restart();
    await().atMost(Duration.ofSeconds(4)).until(() -> target() == DatabaseTarget.BACKUP);

    primary.restart();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> target() == DatabaseTarget.PRIMARY && mode() == Mode.NORMAL);
  }
}
