package health.clinicalops.dbsentinel.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.dbsentinel.config.DbSentinelConfig;
import health.clinicalops.dbsentinel.domain.Cause;
import health.clinicalops.dbsentinel.domain.DatabaseActivity;
import health.clinicalops.dbsentinel.domain.DatabaseState;
import health.clinicalops.dbsentinel.domain.ProbeResult;
import health.clinicalops.dbsentinel.domain.SentinelAction;
import health.clinicalops.dbsentinel.testsupport.FakeAuditKeeperResource;
import health.clinicalops.dbsentinel.testsupport.FakeIncidentsResource;
import health.clinicalops.dbsentinel.testsupport.SentinelDatabasesTestResource;
import health.clinicalops.opskit.clients.AuditEvent;
import health.clinicalops.opskit.dryrun.DryRun;
import health.clinicalops.opskit.journal.RunbookJournal;
import health.clinicalops.opskit.opsstate.OpsState;
import health.clinicalops.opskit.opsstate.OpsStateWriter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Dry run: a responder running dry ({@code clinicalops.dry-run=true}) goes through a whole outage
 * (detected, failed over, recovered) and reports each step it would take, without writing the
 * ConfigMap; its audit events say they are dry runs. Observations are fed directly; the ConfigMap
 * and the incident and audit endpoints are the real ones of the test.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(SentinelDatabasesTestResource.class)
class DryRunTest {

  @Inject OpsStateWriter writer;
  @Inject RunbookJournal journal;
  @Inject ObjectMapper json;
  @Inject SentinelMetrics metrics;
  @Inject DbSentinelConfig config;

  @Test
  void reportsWhatItWouldDoAndWritesNothing() {
    OpsState before = writer.read();
    FakeAuditKeeperResource.EVENTS.clear();
    FakeIncidentsResource.REPORTS.clear();
    RunbookResponder dryRun =
        new RunbookResponder(writer, journal, json, config, DryRun.ON, metrics, Clock.systemUTC());

    Instant lastAnswer = Instant.now().minusSeconds(60);
    Observation unreachable =
        new Observation(
            DatabaseState.DOWN,
            Cause.NETWORK,
            "Connection refused",
            lastAnswer,
            null,
            DatabaseActivity.NONE,
            Optional.of(lastAnswer),
            Optional.empty(),
            lastAnswer,
            Optional.of(ProbeResult.reachable(3, backupWithRowsWritten(0), Instant.now())),
            Instant.now());
    dryRun.respond(unreachable, true);
    Instant answering = Instant.now().minusSeconds(60);
    dryRun.respond(
        new Observation(
            DatabaseState.HEALTHY,
            Cause.NONE,
            "",
            answering,
            2L,
            DatabaseActivity.NONE,
            Optional.empty(),
            Optional.of(answering),
            answering,
            // the backup took no writes while it served: switching back loses nothing
            Optional.of(ProbeResult.reachable(3, backupWithRowsWritten(0), Instant.now())),
            Instant.now()),
        true);

    List<String> steps =
        new ArrayList<>(dryRun.recentActions().stream().map(SentinelAction::action).toList());
    Collections.reverse(steps);
    assertEquals(
        List.of(
            "database.unreachable",
            "database.mode.read-only.set",
            "database.target.backup",
            "database.target.primary",
            "database.mode.normal",
            "incident.resolved"),
        steps);
    assertTrue(dryRun.recentActions().stream().allMatch(SentinelAction::dryRun));
    assertEquals(before.data(), writer.read().data(), "the ConfigMap is untouched");
    await()
        .atMost(Duration.ofSeconds(3))
        .until(
            () ->
                FakeIncidentsResource.REPORTS.stream()
                    .anyMatch(
                        r ->
                            r.step() != null
                                && r.step()
                                    .action()
                                    .equals("dry-run: would database.mode.read-only.set")));
    // Each step is audited as a dry run; only the incident the dry run opened is really closed.
    await()
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(
            () ->
                assertThat(FakeAuditKeeperResource.EVENTS)
                    .extracting(AuditEvent::action)
                    .containsExactlyInAnyOrder(
                        "database.unreachable.dry-run",
                        "database.mode.read-only.set.dry-run",
                        "database.target.backup.dry-run",
                        "database.target.primary.dry-run",
                        "database.mode.normal.dry-run",
                        "incident.resolved"));
    assertThat(FakeAuditKeeperResource.EVENTS)
        .filteredOn(e -> e.action().endsWith(".dry-run"))
        .allSatisfy(e -> assertThat(e.details()).containsEntry("dryRun", true));
    assertThat(FakeIncidentsResource.REPORTS)
        .filteredOn(r -> r.step() != null && !r.resolved())
        .allSatisfy(r -> assertThat(r.step().action()).startsWith("dry-run: would "));
  }

  private static DatabaseActivity backupWithRowsWritten(long rows) {
    DatabaseActivity none = DatabaseActivity.NONE;
    return new DatabaseActivity(
        none.connections(), List.of(), List.of(), List.of(), Instant.now(), rows);
  }
}
