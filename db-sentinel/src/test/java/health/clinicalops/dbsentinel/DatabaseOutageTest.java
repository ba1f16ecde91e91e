package health.clinicalops.dbsentinel;

import static health.clinicalops.testing.MeterDescriptions.assertEveryMeterDescribed;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.clinicalops.dbsentinel.testsupport.FakeAuditKeeperResource;
import health.clinicalops.dbsentinel.testsupport.FakeIncidentsResource;
import health.clinicalops.dbsentinel.testsupport.SentinelDatabasesTestResource;
import health.clinicalops.opskit.clients.AuditEvent;
import health.clinicalops.opskit.clients.DatabaseStatus;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.OutboundCalls;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.DatabaseLossEvidence;
import health.clinicalops.opskit.evidence.Runbooks;
import health.clinicalops.opskit.opsstate.Mode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runbook "Database Connectivity Loss" against a real PostgreSQL that the test stops and starts.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(SentinelDatabasesTestResource.class)
class DatabaseOutageTest extends SentinelTestBase {

  /** The client error-watch asks db-sentinel with: the contract's sender. */
  @Inject OutboundCalls senders;

  /** detection delay (2 s) + one probe interval (500 ms), as in application.properties %test. */
  private static final Duration DETECTION_BOUND = Duration.ofMillis(2500);

  @Test
  void healthyStatusHasTheContractShape() {
    JsonPath status = status();
    assertEquals("healthy", status.getString("state"));
    assertEquals("none", status.getString("cause"));
    assertEquals("closed", status.getString("circuit"));
    assertEquals("primary", status.getString("target"));
    assertTrue(status.getInt("latencyMs") >= 0);
    assertTrue(status.getInt("connections.used") >= 1);
    assertEquals(25, status.getInt("connections.max"));
    assertTrue(status.getMap("connections.byState").containsKey("active"));
    Instant.parse(status.getString("since"));

    DatabaseStatus asReadBySender = senders.databaseStatus();
    assertThat(asReadBySender).isEqualTo(new DatabaseStatus("healthy", "none"));
    assertThat(asReadBySender.isDown()).isFalse();
  }

  @Test
  void statusNeedsAToken() {
    given().get("/api/v1/database/status").then().statusCode(401);
    given()
        .header("Authorization", "Bearer wrong")
        .get("/api/v1/database/status")
        .then()
        .statusCode(401);
    given()
        .header("Authorization", OPERATOR_TOKEN)
        .get("/api/v1/database/status")
        .then()
        .statusCode(200);
  }

  @Test
  void aStoppedDatabaseMeansReadOnlyWithinTheDetectionDelayAndNormalAfterSettling() {
    Instant stopped = Instant.now();
    primary.stop();

    await()
        .atMost(DETECTION_BOUND.plusMillis(700))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> mode() == Mode.READ_ONLY);
    Duration detectedAfter = Duration.between(stopped, Instant.now());
    assertTrue(
        detectedAfter.compareTo(DETECTION_BOUND.plusMillis(700)) <= 0,
        "read-only after " + detectedAfter);
    JsonPath down = status();
    assertEquals("down", down.getString("state"));
    assertEquals("network", down.getString("cause"));
    assertThat(senders.databaseStatus()).isEqualTo(new DatabaseStatus("down", "network"));
    assertThat(senders.databaseStatus().isDown()).isTrue();
    assertNull(down.get("latencyMs"));
    assertEquals("db-sentinel", opsState().modeSetting().setBy());
    assertTrue(opsState().modeSetting().isLeased(), "automation's mode carries a lease");

    // The breaker around the probe opens after repeated failures.
    await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> !"closed".equals(status().getString("circuit")));

    // P0 incident with the steps on its timeline, and the actions in the audit trail.
    await()
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(() -> FakeIncidentsResource.assertStep("database.mode.read-only.set"));
    IncidentReport opened = FakeIncidentsResource.withStep("database.unreachable").get(0);
    assertEquals(Severity.P0, opened.severity());
    assertEquals(Runbooks.DATABASE_CONNECTIVITY_LOSS, opened.runbook());
    assertEquals("db-sentinel", opened.source());
    assertEquals(
        "db-sentinel/primary-unreachable/" + opsState().modeSetting().since().orElseThrow(),
        opened.dedupKey(),
        "the outage is named by the time read-only was set");
    assertThat(opened.evidence())
        .isInstanceOfSatisfying(
            DatabaseLossEvidence.class,
            e -> {
              assertThat(e.cause()).isEqualTo("network");
              assertThat(e.lastAnswerAt()).isBefore(Instant.now());
              assertThat(e.backupConfigured()).isTrue();
              assertThat(e.unreachableForSeconds()).isGreaterThanOrEqualTo(2);
            });
    await()
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(
            () ->
                assertThat(FakeAuditKeeperResource.EVENTS)
                    .filteredOn(e -> e.action().equals("database.mode.read-only.set"))
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.userId()).isEqualTo("db-sentinel");
                          assertThat(e.details())
                              .containsEntry("incident", opened.dedupKey())
                              .containsEntry("mode", "read-only")
                              .containsKey("leaseSeconds");
                        }));
    AuditEvent unreachable =
        FakeAuditKeeperResource.EVENTS.stream()
            .filter(e -> e.action().equals("database.unreachable"))
            .findFirst()
            .orElseThrow();
    assertThat(unreachable.details())
        .containsEntry("cause", "network")
        .containsEntry("incident", opened.dedupKey())
        .containsEntry("detail", opened.step().detail());

    // Health: never not-live, still ready, the outage shown as data.
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.find { it.name == 'database-watch' }.data.database", equalTo("down"));

    // The lease is renewed while the outage lasts (mode lease 6 s, renewed past half-time).
    Instant firstExpiry = opsState().modeSetting().leaseExpiresAt().orElseThrow();
    await()
        .atMost(Duration.ofSeconds(8))
        .until(() -> opsState().modeSetting().leaseExpiresAt().orElseThrow().isAfter(firstExpiry));
    assertEquals(Mode.READ_ONLY, mode());

    Instant restarted = Instant.now();
    primary.restart();
    await().atMost(Duration.ofSeconds(10)).until(() -> mode() == Mode.NORMAL);
    Duration back = Duration.between(restarted, Instant.now());
    assertTrue(back.compareTo(Duration.ofSeconds(2)) >= 0, "not before the settling time: " + back);
    assertEquals("healthy", status().getString("state"));
    assertEquals("closed", status().getString("circuit"));
    await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> FakeIncidentsResource.REPORTS.stream().anyMatch(IncidentReport::resolved));
    List<IncidentReport> resolved =
        FakeIncidentsResource.REPORTS.stream().filter(IncidentReport::resolved).toList();
    assertEquals(opened.dedupKey(), resolved.get(0).dedupKey(), "the same incident is closed");
    assertEquals("resolved", resolved.get(0).step().action());
    assertThat(((DatabaseLossEvidence) resolved.get(0).evidence()).recoverySeconds())
        .isGreaterThanOrEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(
            () ->
                assertThat(FakeAuditKeeperResource.EVENTS)
                    .filteredOn(e -> e.action().equals("incident.resolved"))
                    .singleElement()
                    .satisfies(
                        e ->
                            assertThat(e.details())
                                .containsEntry("incident", opened.dedupKey())
                                .containsEntry("detail", resolved.get(0).step().detail())));
    assertFalse(responder.recentActions().isEmpty());

    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("clinicalops_db_sentinel_last_incident_time_to_detect_seconds"))
        .body(containsString("clinicalops_db_sentinel_last_incident_time_to_recover_seconds"))
        .body(containsString("clinicalops_db_sentinel_state{state=\"healthy\"} 1.0"))
        .body(containsString("clinicalops_db_sentinel_circuit_state{state=\"closed\"} 1.0"))
        .body(containsString("clinicalops_db_sentinel_probe_latency_seconds_count"))
        .body(containsString("clinicalops_db_sentinel_connections{state=\"active\"}"));
    assertEveryMeterDescribed(
        "clinicalops_db_sentinel_",
        "clinicalops_db_sentinel_probe_failures",
        "clinicalops_db_sentinel_last_incident_time_to_detect_seconds");
  }
}
