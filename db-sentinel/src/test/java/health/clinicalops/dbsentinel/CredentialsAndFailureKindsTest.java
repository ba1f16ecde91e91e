package health.clinicalops.dbsentinel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.clinicalops.dbsentinel.domain.Cause;
import health.clinicalops.dbsentinel.domain.ProbeResult;
import health.clinicalops.dbsentinel.service.ProbeConnection;
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
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The runbook's responses differ by failure kind, so the sentinel must tell rejected credentials,
 * network loss and exhausted connection slots apart — checked against a real PostgreSQL.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(SentinelDatabasesTestResource.class)
class CredentialsAndFailureKindsTest extends SentinelTestBase {

  @Test
  void rotatedCredentialsAreReportedAsAuthenticationAndNeverFailedOver() {
    primary.execute(
        "postgres",
        "ALTER ROLE " + SentinelDatabasesTestResource.ROLE + " PASSWORD 'rotated-elsewhere'");
    // The password rotation is followed by the sessions being ended, as a DBA would.
    primary.execute(
        "postgres",
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"
            + SentinelDatabasesTestResource.ROLE
            + "'");

    await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> "authentication".equals(status().getString("cause")));
    assertEquals("down", status().getString("state"));

    // The server answers: no read-only mode and no failover, even past the failover delay (5 s).
    await()
        .during(Duration.ofMillis(5500))
        .atMost(Duration.ofSeconds(7))
        .until(
            () ->
                mode() == Mode.NORMAL
                    && target() == DatabaseTarget.PRIMARY
                    && "authentication".equals(status().getString("cause")));

    IncidentReport incident =
        FakeIncidentsResource.withStep("database.credentials.rejected").get(0);
    assertEquals(Severity.P1, incident.severity());
    assertTrue(incident.dedupKey().startsWith("db-sentinel/credentials-rejected/"));
    DatabaseLossEvidence evidence = (DatabaseLossEvidence) incident.evidence();
    assertEquals("authentication", evidence.cause());
    assertEquals(SentinelDatabasesTestResource.ROLE, evidence.username());
    assertTrue(
        incident.step().detail().contains("refuses the login (" + evidence.detail() + ")"),
        incident.step().detail());
    assertTrue(incident.step().detail().contains("verify DATABASE_URL"));

    primary.execute(
        "postgres",
        "ALTER ROLE "
            + SentinelDatabasesTestResource.ROLE
            + " PASSWORD '"
            + SentinelDatabasesTestResource.PASSWORD
            + "'");
    await()
        .atMost(Duration.ofSeconds(8))
        .until(() -> "healthy".equals(status().getString("state")));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                FakeIncidentsResource.REPORTS.stream()
                    .anyMatch(r -> r.resolved() && r.dedupKey().equals(incident.dedupKey())));
  }

  @Test
  void wrongPasswordIsAuthenticationAndAClosedPortIsNetwork() throws Exception {
    ProbeResult wrongPassword = probe(primary.jdbcUrl("clinicalops"), "db_sentinel", "wrong");
    assertEquals(Cause.AUTHENTICATION, wrongPassword.failureCause());
    assertTrue(wrongPassword.detail().contains("28P01"), wrongPassword.detail());

    ProbeResult unknownRole = probe(primary.jdbcUrl("clinicalops"), "nobody_here", "x");
    assertEquals(Cause.AUTHENTICATION, unknownRole.failureCause());

    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    ProbeResult refused =
        probe(
            "jdbc:postgresql://127.0.0.1:" + closedPort + "/clinicalops",
            "db_sentinel",
            SentinelDatabasesTestResource.PASSWORD);
    assertEquals(Cause.NETWORK, refused.failureCause());
  }

  @Test
  void refusedForLackOfSlotsIsPoolExhaustion() throws Exception {
    primary.execute(
        "postgres",
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'one_slot') THEN"
            + " CREATE ROLE one_slot LOGIN PASSWORD 'one' CONNECTION LIMIT 1; END IF; END $$");
    try (Connection holder =
        DriverManager.getConnection(primary.jdbcUrl("clinicalops"), "one_slot", "one")) {
      ProbeResult refused = probe(primary.jdbcUrl("clinicalops"), "one_slot", "one");
      assertEquals(Cause.POOL_EXHAUSTION, refused.failureCause());
      assertTrue(refused.detail().contains("53300"), refused.detail());
      assertTrue(holder.isValid(1));
    }
  }

  private static ProbeResult probe(String url, String user, String password) {
    try (ProbeConnection connection =
        new ProbeConnection(
            "test",
            new ProbeConnection.Settings(
                url,
                user,
                password,
                Duration.ofSeconds(1),
                Duration.ofMinutes(5),
                Duration.ofSeconds(30),
                Duration.ofSeconds(30),
                5,
                Optional.empty()),
            Clock.systemUTC())) {
      ProbeResult result = connection.probe();
      assertEquals(false, result.reachable());
      return result;
    }
  }
}
