package health.clinicalops.dbsentinel;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.clinicalops.dbsentinel.testsupport.FakeAuditKeeperResource;
import health.clinicalops.dbsentinel.testsupport.FakeIncidentsResource;
import health.clinicalops.dbsentinel.testsupport.SentinelDatabasesTestResource;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.DatabaseLossEvidence;
import health.clinicalops.opskit.opsstate.DatabaseTarget;
import health.clinicalops.opskit.opsstate.Mode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runbook step 3 ("check connection pool"): connections opened by the test fill the app's slots (25
 * in tests: max_connections 200 minus 175 reserved) above 90%.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(SentinelDatabasesTestResource.class)
class ConnectionSaturationTest extends SentinelTestBase {

  @Test
  void saturatedSlotsMakeTheStateDegradedWithTheHoldersListed() throws Exception {
    List<Connection> held = new ArrayList<>();
    try {
      // 22 leaked app connections + the sentinel's own = 23 of 25 slots (92%).
      for (int i = 0; i < 22; i++) {
        Connection c = primary.connect("clinicalops");
        try (Statement s = c.createStatement()) {
          s.execute("SET application_name = 'clinical-app'");
        }
        if (i < 5) {
          c.setAutoCommit(false);
          try (Statement s = c.createStatement()) {
            s.execute("SELECT 1");
          }
        }
        held.add(c);
      }

      await()
          .atMost(Duration.ofSeconds(3))
          .until(() -> "saturation".equals(status().getString("cause")));
      JsonPath status = status();
      assertEquals("degraded", status.getString("state"));
      assertTrue(status.getInt("connections.used") >= 23);
      assertEquals(25, status.getInt("connections.max"));
      assertEquals(17, status.getInt("connections.byState.idle"));

      await()
          .atMost(Duration.ofSeconds(3))
          .until(
              () ->
                  !given()
                      .header("Authorization", SERVICE_TOKEN)
                      .get("/api/v1/database/activity")
                      .jsonPath()
                      .getList("idleInTransaction")
                      .isEmpty());
      JsonPath activity =
          given()
              .header("Authorization", SERVICE_TOKEN)
              .get("/api/v1/database/activity")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      assertEquals("clinical-app", activity.getString("topHolders[0].application"));
      assertEquals(17, activity.getInt("topHolders[0].connections"));
      assertEquals("clinical-app", activity.getString("idleInTransaction[0].application"));

      await()
          .atMost(Duration.ofSeconds(4))
          .untilAsserted(() -> FakeIncidentsResource.assertStep("database.connections.saturated"));
      IncidentReport incident =
          FakeIncidentsResource.withStep("database.connections.saturated").get(0);
      assertEquals(Severity.P2, incident.severity());
      assertTrue(incident.dedupKey().startsWith("db-sentinel/connection-slots/"));
      DatabaseLossEvidence evidence = (DatabaseLossEvidence) incident.evidence();
      assertEquals("saturation", evidence.cause());
      assertEquals(25, evidence.max());
      assertTrue(evidence.used() >= 23);
      assertEquals("clinical-app", evidence.topHolders().get(0).application());
      assertEquals("clinical-app", evidence.idleInTransaction().get(0).application());
      assertTrue(incident.step().detail().contains("clinical-app"), incident.step().detail());
      await()
          .atMost(Duration.ofSeconds(3))
          .untilAsserted(
              () ->
                  assertThat(FakeAuditKeeperResource.EVENTS)
                      .filteredOn(e -> e.action().equals("database.connections.saturated"))
                      .singleElement()
                      .satisfies(
                          e ->
                              assertThat(e.details())
                                  .containsEntry("incident", incident.dedupKey())
                                  .containsEntry("cause", "saturation")
                                  .containsKey("topHolders")));

      // The primary answers: saturation never leads to read-only or failover.
      assertEquals(Mode.NORMAL, mode());
      assertEquals(DatabaseTarget.PRIMARY, target());
    } finally {
      for (Connection c : held) {
        c.close();
      }
    }
    await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> "healthy".equals(status().getString("state")));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> FakeIncidentsResource.REPORTS.stream().anyMatch(IncidentReport::resolved));
    assertFalse(
        responder
            .openIncidentKeys()
            .contains(
                FakeIncidentsResource.withStep("database.connections.saturated")
                    .get(0)
                    .dedupKey()));
  }
}
