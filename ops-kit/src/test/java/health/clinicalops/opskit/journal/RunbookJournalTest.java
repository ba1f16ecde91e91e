package health.clinicalops.opskit.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import health.clinicalops.opskit.clients.AuditEvent;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.RollbackEvidence;
import health.clinicalops.opskit.evidence.Runbooks;
import health.clinicalops.opskit.testapp.FakeAuditKeeperResource;
import health.clinicalops.opskit.testapp.FakeIncidentsResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One journal call does the three things a step needs: a log line with the incident's fields, an
 * audit event at audit-keeper and an entry on the incident's timeline at rollback-orchestrator,
 * both over real HTTP.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class RunbookJournalTest {

  private static final RollbackEvidence EVIDENCE =
      new RollbackEvidence(7L, "web", 12L, 11L, "CODE_ONLY", "bad release", null, null, null, null);

  @Inject RunbookJournal journal;

  private final List<ExtLogRecord> logged = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          ExtLogRecord extended = (ExtLogRecord) record;
          // The MDC is read when the line is written; a handler that keeps the record copies it.
          extended.copyAll();
          logged.add(extended);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void reset() {
    FakeIncidentsResource.RECEIVED.clear();
    FakeAuditKeeperResource.STORED.clear();
    Logger.getLogger("health.clinicalops.journal").addHandler(capture);
  }

  @AfterEach
  void detach() {
    Logger.getLogger("health.clinicalops.journal").removeHandler(capture);
  }

  @Test
  void oneStepIsLoggedAuditedAndOnTheTimeline() {
    String key = journal.dedupKey("rollback", 7);
    RunbookIncident incident =
        journal.incident(key, Severity.P2, "Rollback of web to revision 11", EVIDENCE);

    incident.step("rollback.started", "scaling to revision 11", Map.of("rollbackId", 7));

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(FakeIncidentsResource.RECEIVED).hasSize(1);
              assertThat(FakeAuditKeeperResource.STORED).hasSize(1);
            });
    IncidentReport report = FakeIncidentsResource.RECEIVED.get(0);
    assertThat(report.dedupKey()).isEqualTo("ops-kit-test/rollback/7");
    assertThat(report.runbook()).isEqualTo(Runbooks.ROLLBACK_DEPLOYMENT);
    assertThat(report.evidence()).isEqualTo(EVIDENCE);
    assertThat(report.step().action()).isEqualTo("rollback.started");
    assertThat(report.step().actor()).isEqualTo("ops-kit-test");

    AuditEvent audit = FakeAuditKeeperResource.STORED.values().iterator().next();
    assertThat(audit.userId()).isEqualTo("ops-kit-test");
    assertThat(audit.action()).isEqualTo("rollback.started");
    assertThat(audit.details())
        .containsEntry("incident", key)
        .containsEntry("runbook", Runbooks.ROLLBACK_DEPLOYMENT)
        .containsEntry("detail", "scaling to revision 11")
        .containsEntry("rollbackId", 7);

    assertThat(logged)
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.getFormattedMessage())
                  .isEqualTo("rollback.started: scaling to revision 11");
              assertThat(line.getMdcCopy())
                  .containsEntry("incident", key)
                  .containsEntry("runbook", Runbooks.ROLLBACK_DEPLOYMENT)
                  .containsEntry("action", "rollback.started");
            });
  }

  @Test
  void aDryRunStepSaysItWouldAndIsAuditedAsADryRun() {
    journal
        .incident(journal.dedupKey("dry"), Severity.P3, "Dry", EVIDENCE)
        .dryRunStep("mode.read-only.set", "primary unreachable");

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(FakeIncidentsResource.RECEIVED).hasSize(1);
              assertThat(FakeAuditKeeperResource.STORED).hasSize(1);
            });
    assertThat(FakeIncidentsResource.RECEIVED.get(0).step().action())
        .isEqualTo("dry-run: would mode.read-only.set");
    AuditEvent audit = FakeAuditKeeperResource.STORED.values().iterator().next();
    assertThat(audit.action()).isEqualTo("mode.read-only.set.dry-run");
    assertThat(audit.details()).containsEntry("dryRun", true);
  }

  @Test
  void aSuspectedBreachAndTheResolutionTravelWithTheReport() {
    RunbookIncident incident =
        journal
            .incident(journal.dedupKey("chain"), Severity.P1, "Chain broken", EVIDENCE)
            .suspectingDataBreach();
    incident.step("chain.broken", "seq 12 changed");
    incident.resolve("chain verified again");

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(FakeIncidentsResource.RECEIVED).hasSize(2));
    assertThat(FakeIncidentsResource.RECEIVED)
        .allSatisfy(r -> assertThat(r.suspectedDataBreach()).isTrue())
        .extracting(IncidentReport::resolved)
        .containsExactly(false, true);
    assertThat(FakeIncidentsResource.RECEIVED.get(1).step().action()).isEqualTo("resolved");
    assertThat(FakeIncidentsResource.RECEIVED)
        .extracting(IncidentReport::reportId)
        .doesNotHaveDuplicates();
  }
}
