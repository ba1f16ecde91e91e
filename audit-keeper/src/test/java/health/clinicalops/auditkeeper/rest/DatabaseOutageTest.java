package health.clinicalops.auditkeeper.rest;

import static health.clinicalops.auditkeeper.support.AuditApi.event;
import static health.clinicalops.auditkeeper.support.AuditApi.post;
import static health.clinicalops.auditkeeper.support.AuditApi.postNdjson;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import health.clinicalops.auditkeeper.domain.AuditRecord;
import health.clinicalops.auditkeeper.service.EventSpool;
import health.clinicalops.auditkeeper.support.AuditApi;
import health.clinicalops.auditkeeper.support.FakeIncidentsResource;
import health.clinicalops.auditkeeper.support.TempDirectoriesTestResource;
import health.clinicalops.opskit.ServiceNames;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.AuditFailureEvidence;
import health.clinicalops.opskit.evidence.Runbooks;
import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.InjectPostgres;
import health.clinicalops.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The database stops part-way through a stream of events: every event answered 2xx is in "AuditLog"
 * once the database is back, exactly once, in the order it was acknowledged; readiness stays UP and
 * says it is spooling; a P2 incident opens and closes with the count.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TempDirectoriesTestResource.class)
class DatabaseOutageTest {

  @InjectPostgres EmbeddedPostgresServer pg;
  @Inject EventSpool spool;

  @Test
  void everyAcknowledgedEventIsStoredOnceInOrderAfterTheDatabaseReturns() throws Exception {
    List<String> acknowledged = new ArrayList<>();
    List<Integer> statuses = new ArrayList<>();
    int n = 90;
    try {
      stream(n, acknowledged, statuses);
    } finally {
      if (!pg.isRunning()) {
        pg.restart();
      }
    }
    assertThat(statuses).containsOnly(201, 202).contains(201, 202);
    assertThat(statuses.subList(30, 60)).containsOnly(202);
    assertThat(statuses.subList(0, 30)).containsOnly(201);

    AuditApi.awaitSpoolDrained(Duration.ofSeconds(60));

    List<String> stored =
        AuditApi.idsInSequenceOrder(pg).stream().filter(id -> id.startsWith("outage-")).toList();
    assertThat(new HashSet<>(stored)).hasSameSizeAs(stored);
    assertThat(stored).containsExactlyElementsOf(acknowledged);
    assertThat(AuditApi.count(pg, "\"action\" = 'audit-keeper.spooling.started'")).isEqualTo(1);

    assertThat(metric("clinicalops_audit_keeper_events_spooled_total")).isGreaterThanOrEqualTo(33);
    assertThat(metric("clinicalops_audit_keeper_events_replayed_total")).isGreaterThanOrEqualTo(33);
    given()
        .auth()
        .oauth2(AuditApi.OPERATOR)
        .get("/api/v1/audit/verify")
        .then()
        .statusCode(200)
        .body("valid", equalTo(true));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              List<IncidentReport> reports =
                  FakeIncidentsResource.withKeyPrefix("audit-keeper/spooling/");
              assertThat(reports).hasSizeGreaterThanOrEqualTo(2);
              IncidentReport opened = reports.get(0);
              assertThat(opened.runbook()).isEqualTo(Runbooks.AUDIT_LOG_FAILURE);
              assertThat(opened.severity()).isEqualTo(Severity.P2);
              assertThat(opened.title()).contains("compliance risk");
              assertThat(opened.resolved()).isFalse();
              assertThat(opened.step().action()).isEqualTo("audit-keeper.spooling.started");
              // The first event refused while the database was down opened the episode.
              AuditFailureEvidence atOpening = (AuditFailureEvidence) opened.evidence();
              assertThat(atOpening.spoolDepth()).isEqualTo(1L);
              assertThat(atOpening.spoolFile()).endsWith("audit-events.spool");
              assertThat(atOpening.cause()).isNotBlank();
              IncidentReport closed = reports.get(reports.size() - 1);
              assertThat(closed.dedupKey()).isEqualTo(opened.dedupKey());
              assertThat(closed.resolved()).isTrue();
              // 33 events acknowledged while down, audit-keeper's own "spooling started", and
              // those that queued behind them until the spool was drained.
              java.util.regex.Matcher count =
                  java.util.regex.Pattern.compile("(\\d+) spooled events replayed")
                      .matcher(closed.step().detail());
              assertThat(count.find()).isTrue();
              assertThat(Double.parseDouble(count.group(1)))
                  .isGreaterThanOrEqualTo(34)
                  .isEqualTo(metric("clinicalops_audit_keeper_events_spooled_total"));
              assertThat(((AuditFailureEvidence) closed.evidence()).spooledEvents())
                  .isEqualTo(Long.parseLong(count.group(1)));
              // Both steps are audit events of audit-keeper itself, in "AuditLog".
              String ofThisIncident =
                  " AND \"userId\" = 'audit-keeper' AND \"details\"->>'incident' = '"
                      + opened.dedupKey()
                      + "'";
              assertThat(
                      AuditApi.count(
                          pg, "\"action\" = 'audit-keeper.spooling.started'" + ofThisIncident))
                  .isEqualTo(1);
              assertThat(
                      AuditApi.count(
                          pg,
                          "\"action\" = 'incident.resolved'"
                              + ofThisIncident
                              + " AND \"details\"->>'detail' = '"
                              + closed.step().detail().replace("'", "''")
                              + "'"))
                  .isEqualTo(1);
            });
  }

  private void stream(int n, List<String> acknowledged, List<Integer> statuses)
      throws java.io.IOException {
    int acknowledgedBeforeOutage = 0;
    for (int i = 0; i < n; i++) {
      if (i == 30) {
        acknowledgedBeforeOutage = acknowledged.size();
        pg.stop();
      }
      if (i == 60) {
        // The 33 events acknowledged while down wait in the spool, in order, with audit-keeper's
        // own steps: "spooling started" and, if the replay has failed often enough by now,
        // "replay failing".
        List<AuditRecord> spooled = spool.next(1000).events();
        assertThat(
                spooled.stream()
                    .filter(e -> !e.userId().equals(ServiceNames.AUDIT_KEEPER))
                    .map(AuditRecord::id))
            .containsExactlyElementsOf(
                acknowledged.subList(acknowledgedBeforeOutage, acknowledged.size()))
            .hasSize(33);
        assertThat(
                spooled.stream()
                    .filter(e -> e.userId().equals(ServiceNames.AUDIT_KEEPER))
                    .map(AuditRecord::action))
            .containsOnlyOnce("audit-keeper.spooling.started")
            .isSubsetOf("audit-keeper.spooling.started", "audit-keeper.replay.failing");
        given()
            .get("/q/health/ready")
            .then()
            .statusCode(200)
            .body("status", equalTo("UP"))
            .body("checks.find { it.name == 'audit-spool' }.data.spooling", equalTo(true))
            .body(
                "checks.find { it.name == 'audit-spool' }.data.spoolDepth",
                equalTo(spooled.size()));
        assertThat(metric("clinicalops_audit_keeper_spool_depth"))
            .isEqualTo((double) spooled.size());
        pg.restart();
      }
      String id = "outage-" + i;
      Response response;
      if (i % 10 == 9) {
        // Every tenth call is a small NDJSON batch of two events.
        String second = id + "-b";
        response =
            postNdjson(
                event(id, "u-o", "outage.stream", "2026-01-16T10:00:00Z")
                    + "\n"
                    + event(second, "u-o", "outage.stream", "2026-01-16T10:00:00Z"));
        if (response.statusCode() / 100 == 2) {
          acknowledged.add(id);
          acknowledged.add(second);
        }
      } else {
        response = post(event(id, "u-o", "outage.stream", "2026-01-16T10:00:00Z"));
        if (response.statusCode() / 100 == 2) {
          acknowledged.add(id);
        }
      }
      statuses.add(response.statusCode());
    }
  }

  @Test
  void theWriteProbeReportsThroughReadinessAndMetrics() {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                given()
                    .get("/q/health/ready")
                    .then()
                    .body(
                        "checks.find { it.name == 'audit-write-probe' }.data.writeOk",
                        equalTo(true))
                    .body(
                        "checks.find { it.name == 'audit-write-probe' }.data.canInsert",
                        equalTo(true)));
    assertThat(metric("clinicalops_audit_keeper_probe_ok")).isEqualTo(1.0);
    assertThat(metric("clinicalops_audit_keeper_database_size_bytes")).isPositive();
    assertThat(metric("clinicalops_audit_keeper_database_quota_bytes"))
        .isEqualTo(512.0 * 1024 * 1024);
    given()
        .get("/q/metrics")
        .then()
        .body(containsString("clinicalops_audit_keeper_events_accepted_total"));
  }

  static double metric(String name) {
    String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
    return text.lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }
}
