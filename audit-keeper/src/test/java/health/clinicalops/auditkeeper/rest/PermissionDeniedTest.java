package health.clinicalops.auditkeeper.rest;

import static health.clinicalops.auditkeeper.support.AuditApi.DATABASE;
import static health.clinicalops.auditkeeper.support.AuditApi.event;
import static health.clinicalops.auditkeeper.support.AuditApi.post;
import static health.clinicalops.auditkeeper.support.AuditApi.postNdjson;
import static health.clinicalops.auditkeeper.support.RestrictedRolePostgresTestResource.ROLE;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import health.clinicalops.auditkeeper.domain.AuditRecord;
import health.clinicalops.auditkeeper.service.EventSpool;
import health.clinicalops.auditkeeper.support.AuditApi;
import health.clinicalops.auditkeeper.support.FakeIncidentsResource;
import health.clinicalops.auditkeeper.support.RestrictedRolePostgresTestResource;
import health.clinicalops.auditkeeper.support.TempDirectoriesTestResource;
import health.clinicalops.opskit.ServiceNames;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.AuditFailureEvidence;
import health.clinicalops.opskit.evidence.Runbooks;
import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.InjectPostgres;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The database refuses the write for lack of permission (SQLState 42501), not because it is down:
 * audit-keeper connects as an ordinary role ({@link RestrictedRolePostgresTestResource}) and the
 * test really revokes its privileges on "AuditLog". Events are spooled (202) and replayed exactly
 * once, in order, after the runbook's step-5 GRANT; the write probe's permission check reports a P2
 * incident whose step is that GRANT.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(RestrictedRolePostgresTestResource.class)
@WithTestResource(TempDirectoriesTestResource.class)
class PermissionDeniedTest {

  private static final String PERMISSION_KEY = "audit-keeper/permissions";

  /** The runbook's step 5 for the role audit-keeper writes as. */
  private static final String RUNBOOK_GRANT =
      "GRANT INSERT, SELECT ON \"AuditLog\" TO " + ROLE + ";";

  @InjectPostgres EmbeddedPostgresServer pg;
  @Inject EventSpool spool;

  @BeforeEach
  void noPermissionIncidentOpenAndTheProbeIsHappy() {
    // The other test's episode must be over (its incident resolved) before this one starts.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              given()
                  .get("/q/health/ready")
                  .then()
                  .body(
                      "checks.find { it.name == 'audit-write-probe' }.data.writeOk", equalTo(true))
                  .body(
                      "checks.find { it.name == 'audit-write-probe' }.data.canInsert",
                      equalTo(true))
                  .body(
                      "checks.find { it.name == 'audit-write-probe' }.data.canSelect",
                      equalTo(true))
                  .body("checks.find { it.name == 'audit-spool' }.data.spoolDepth", equalTo(0));
              List<IncidentReport> permission = FakeIncidentsResource.withKeyPrefix(PERMISSION_KEY);
              assertThat(permission.isEmpty() || permission.get(permission.size() - 1).resolved())
                  .as("no permission incident left open")
                  .isTrue();
            });
  }

  @Test
  void writesRefusedForPermissionAreSpooledAndReplayedOnceInOrderAfterTheRunbooksGrant()
      throws Exception {
    List<String> acknowledged = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = "perm-" + i;
      post(event(id, "u-p", "permission.stream", "2026-01-16T10:00:00Z"))
          .then()
          .statusCode(201)
          .body("durableIn", equalTo("database"));
      acknowledged.add(id);
    }
    int reportsBefore = FakeIncidentsResource.RECEIVED.size();
    try {
      // INSERT reaches the role through the writer role and the owning role it is a member of.
      pg.execute(
          DATABASE,
          "REVOKE INSERT ON \"AuditLog\" FROM "
              + ROLE
              + ", audit_keeper_writer, audit_keeper_owner");
      for (int i = 3; i < 23; i++) {
        String id = "perm-" + i;
        Response response;
        if (i % 5 == 4) {
          String second = id + "-b";
          response =
              postNdjson(
                  event(id, "u-p", "permission.stream", "2026-01-16T10:00:00Z")
                      + "\n"
                      + event(second, "u-p", "permission.stream", "2026-01-16T10:00:00Z"));
          response.then().statusCode(202).body("durableIn", equalTo("spool"));
          acknowledged.add(id);
          acknowledged.add(second);
        } else {
          response = post(event(id, "u-p", "permission.stream", "2026-01-16T10:00:00Z"));
          response.then().statusCode(202).body("durableIn", equalTo("spool"));
          acknowledged.add(id);
        }
      }
      // The acknowledged events wait in the spool, in order, with audit-keeper's own steps:
      // "spooling started" and, if they came by now, the probe's "permission denied" and
      // "replay failing" (its own audit events are refused for the same reason).
      List<AuditRecord> spooled = spool.next(1000).events();
      assertThat(
              spooled.stream()
                  .filter(e -> !e.userId().equals(ServiceNames.AUDIT_KEEPER))
                  .map(AuditRecord::id))
          .containsExactlyElementsOf(acknowledged.subList(3, acknowledged.size()));
      assertThat(
              spooled.stream()
                  .filter(e -> e.userId().equals(ServiceNames.AUDIT_KEEPER))
                  .map(AuditRecord::action))
          .containsOnlyOnce("audit-keeper.spooling.started")
          .isSubsetOf(
              "audit-keeper.spooling.started",
              "audit-keeper.permission.denied",
              "audit-keeper.replay.failing");
      given()
          .get("/q/health/ready")
          .then()
          .statusCode(200)
          .body("status", equalTo("UP"))
          .body("checks.find { it.name == 'audit-spool' }.data.spooling", equalTo(true))
          // audit-keeper's own probe may have spooled another step since the spool was read.
          .body(
              "checks.find { it.name == 'audit-spool' }.data.spoolDepth",
              greaterThanOrEqualTo(spooled.size()));
      assertThat(AuditApi.count(pg, "\"id\" LIKE 'perm-%'")).isEqualTo(3);

      IncidentReport spooling =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () -> first(since(reportsBefore, "audit-keeper/spooling/")), Optional::isPresent)
              .orElseThrow();
      assertThat(spooling.resolved()).isFalse();
      assertThat(spooling.severity()).isEqualTo(Severity.P2);
      assertThat(((AuditFailureEvidence) spooling.evidence()).cause())
          .contains("42501")
          .contains("permission denied");
      // The probe sees it as well: its permission check opens its own incident.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> first(since(reportsBefore, PERMISSION_KEY)).isPresent());
      // The replay keeps failing for the same reason: a metric, readiness data, and a step on
      // the spooling incident (not a DEBUG line that nobody reads).
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(
                        since(reportsBefore, spooling.dedupKey()).stream()
                            .filter(r -> r.step() != null)
                            .map(r -> r.step().action()))
                    .contains("audit-keeper.replay.failing");
                assertThat(
                        DatabaseOutageTest.metric("clinicalops_audit_keeper_replay_failures_total"))
                    .isGreaterThanOrEqualTo(3);
                given()
                    .get("/q/health/ready")
                    .then()
                    .body(
                        "checks.find { it.name == 'audit-spool' }.data.replayFailuresInARow",
                        org.hamcrest.Matchers.greaterThanOrEqualTo(3));
              });

      pg.execute(DATABASE, RUNBOOK_GRANT);
      for (int i = 23; i < 26; i++) {
        String id = "perm-" + i;
        int status =
            post(event(id, "u-p", "permission.stream", "2026-01-16T10:00:00Z")).statusCode();
        assertThat(status).isIn(201, 202);
        acknowledged.add(id);
      }

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  given()
                      .get("/q/health/ready")
                      .then()
                      .body(
                          "checks.find { it.name == 'audit-spool' }.data.spooling", equalTo(false))
                      .body(
                          "checks.find { it.name == 'audit-spool' }.data.spoolDepth", equalTo(0)));
      List<String> stored =
          AuditApi.idsInSequenceOrder(pg).stream().filter(id -> id.startsWith("perm-")).toList();
      assertThat(new HashSet<>(stored)).hasSameSizeAs(stored);
      assertThat(stored).containsExactlyElementsOf(acknowledged);
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
                List<IncidentReport> episode =
                    since(reportsBefore, spooling.dedupKey()).stream()
                        .filter(r -> r.dedupKey().equals(spooling.dedupKey()))
                        .toList();
                assertThat(last(episode))
                    .hasValueSatisfying(r -> assertThat(r.resolved()).isTrue());
                assertThat(last(since(reportsBefore, PERMISSION_KEY)))
                    .hasValueSatisfying(r -> assertThat(r.resolved()).isTrue());
              });
    } finally {
      restoreGrants();
    }
  }

  /** One login runs the migrations and writes here: it could switch the append-only rules off. */
  @Test
  void readinessSaysThatTheWritingLoginCouldSwitchTheAppendOnlyRulesOff() {
    given()
        .get("/q/health/ready")
        .then()
        .body(
            "checks.find { it.name == 'audit-write-probe' }.data.canAlterAppendOnlyRules",
            equalTo(true));
  }

  @Test
  void aMissingPrivilegeOpensAnIncidentWhoseStepIsTheRunbooksStep5Grant() throws Exception {
    int reportsBefore = FakeIncidentsResource.RECEIVED.size();
    String stepsAudited =
        "\"userId\" = 'audit-keeper' AND \"details\"->>'incident' = '" + PERMISSION_KEY + "'";
    long deniedBefore =
        AuditApi.count(pg, "\"action\" = 'audit-keeper.permission.denied' AND " + stepsAudited);
    long resolvedBefore =
        AuditApi.count(pg, "\"action\" = 'incident.resolved' AND " + stepsAudited);
    try {
      // SELECT reaches the role through the three audit roles it is a member of (one the owner).
      pg.execute(
          DATABASE,
          "REVOKE SELECT ON \"AuditLog\" FROM "
              + ROLE
              + ", audit_keeper_writer, audit_keeper_retention, audit_keeper_owner");
      IncidentReport opened =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> first(since(reportsBefore, PERMISSION_KEY)), Optional::isPresent)
              .orElseThrow();
      assertThat(opened.resolved()).isFalse();
      assertThat(opened.runbook()).isEqualTo(Runbooks.AUDIT_LOG_FAILURE);
      assertThat(opened.severity()).isEqualTo(Severity.P2);
      assertThat(opened.title()).contains("compliance risk");
      AuditFailureEvidence evidence = (AuditFailureEvidence) opened.evidence();
      assertThat(evidence.databaseUser()).isEqualTo(ROLE);
      assertThat(evidence.canSelect()).isFalse();
      assertThat(evidence.canInsert()).isTrue();
      assertThat(evidence.suggestedFix()).isEqualTo(RUNBOOK_GRANT);
      assertThat(opened.step().action()).isEqualTo("audit-keeper.permission.denied");
      assertThat(opened.step().detail()).contains("step 5").contains(RUNBOOK_GRANT);
      given()
          .get("/q/health/ready")
          .then()
          .body("checks.find { it.name == 'audit-write-probe' }.data.canSelect", equalTo(false));

      // The suggested fix, run as it stands by a person with the rights, ends the incident.
      pg.execute(DATABASE, evidence.suggestedFix());
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(last(since(reportsBefore, PERMISSION_KEY)))
                      .hasValueSatisfying(r -> assertThat(r.resolved()).isTrue()));
      // Both steps are audit events of audit-keeper itself in "AuditLog" (the first one spooled
      // while the writer could not read the table, and replayed after the GRANT).
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(
                        AuditApi.count(
                            pg,
                            "\"action\" = 'audit-keeper.permission.denied' AND "
                                + stepsAudited
                                + " AND \"details\"->>'detail' LIKE '%"
                                + RUNBOOK_GRANT.replace("'", "''")
                                + "'"))
                    .isEqualTo(deniedBefore + 1);
                assertThat(
                        AuditApi.count(pg, "\"action\" = 'incident.resolved' AND " + stepsAudited))
                    .isEqualTo(resolvedBefore + 1);
              });
    } finally {
      restoreGrants();
    }
  }

  private void restoreGrants() {
    pg.execute(
        DATABASE, "GRANT INSERT, SELECT ON \"AuditLog\" TO " + ROLE + ", audit_keeper_writer");
    pg.execute(DATABASE, "GRANT SELECT ON \"AuditLog\" TO audit_keeper_retention");
    pg.execute(DATABASE, "GRANT ALL ON \"AuditLog\" TO audit_keeper_owner");
  }

  private static List<IncidentReport> since(int index, String keyPrefix) {
    List<IncidentReport> all = List.copyOf(FakeIncidentsResource.RECEIVED);
    return all.subList(Math.min(index, all.size()), all.size()).stream()
        .filter(r -> r.dedupKey().startsWith(keyPrefix))
        .toList();
  }

  private static Optional<IncidentReport> first(List<IncidentReport> reports) {
    return reports.stream().findFirst();
  }

  private static Optional<IncidentReport> last(List<IncidentReport> reports) {
    return reports.isEmpty() ? Optional.empty() : Optional.of(reports.get(reports.size() - 1));
  }
}
