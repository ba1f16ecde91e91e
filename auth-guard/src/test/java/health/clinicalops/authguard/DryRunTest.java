package health.clinicalops.authguard;

import static health.clinicalops.authguard.support.Api.asService;
import static health.clinicalops.authguard.support.Api.check;
import static health.clinicalops.authguard.support.Api.checkFromIp;
import static health.clinicalops.authguard.support.Api.failure;
import static health.clinicalops.authguard.support.Api.sendBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import health.clinicalops.authguard.peers.FakeAuditKeeperResource;
import health.clinicalops.authguard.peers.FakeRollbackOrchestratorResource;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.evidence.AuthAbuseEvidence;
import health.clinicalops.testing.PostgresTestResource;
import health.clinicalops.testing.RedisTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Dry run: every decision is taken and recorded, none is enforced. */
@QuarkusTest
@TestProfile(DryRunTest.DryRunOn.class)
@WithKubernetesTestServer(crud = true)
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "auth_guard"))
@WithTestResource(RedisTestResource.class)
class DryRunTest {

  /** The test settings with the dry run on. */
  public static class DryRunOn implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("clinicalops.dry-run", "true");
    }
  }

  @Inject
  @DataSource("app")
  AgroalDataSource app;

  @Test
  void limitsBlocksAndRevocationsAreDecidedAndRecordedButNotEnforced() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String key = "shadow-" + run;
    for (int i = 0; i < 5; i++) {
      check(key, "AUTH").statusCode(200);
    }
    check(key, "AUTH")
        .statusCode(200)
        .body("allowed", equalTo(true))
        .body("shadowRefused", equalTo(true));

    String ip = "198.18.0." + (1 + Math.abs(run.hashCode() % 250));
    List<Map<String, Object>> events = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      events.add(
          failure(ip, "u" + (i % 10) + "-" + run + "@clinic.example", "fp-" + run + "-" + i));
    }
    sendBatch(events).statusCode(200).body("blockedIps", hasItem(ip));
    asService().get("/api/v1/blocks/" + ip).then().statusCode(200).body("shadow", equalTo(true));
    checkFromIp("k-" + run, "READ", ip).statusCode(200);
    String blockIncident = "auth-guard/ip/" + ip;
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(FakeRollbackOrchestratorResource.withKey(blockIncident))
                    .extracting(r -> r.step().action())
                    .containsExactly("dry-run: would ip.blocked"));
    assertEquals(
        true,
        ((AuthAbuseEvidence)
                FakeRollbackOrchestratorResource.withKey(blockIncident).get(0).evidence())
            .shadow());
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                FakeAuditKeeperResource.assertRecorded(
                    "ip.blocked.dry-run", "incident", blockIncident));
    assertThat(
            FakeAuditKeeperResource.find("ip.blocked.dry-run", "incident", blockIncident)
                .orElseThrow()
                .details())
        .containsEntry("dryRun", true);
    assertFalse(FakeAuditKeeperResource.has("ip.blocked", "incident", blockIncident));

    String victim = "shadow-victim-" + run + "@clinic.example";
    try (Connection c = app.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS \"User\" (id TEXT PRIMARY KEY, email TEXT UNIQUE NOT NULL,"
              + " \"refreshToken\" TEXT)");
      s.execute(
          "INSERT INTO \"User\" (id, email, \"refreshToken\") VALUES ('"
              + run
              + "', '"
              + victim
              + "', 'rt-"
              + run
              + "')");
    }
    List<Map<String, Object>> guesses = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      guesses.add(failure("192.0.2.77", victim, "guess-" + run + "-" + i));
    }
    sendBatch(guesses).statusCode(200).body("attacks", hasItem("brute-force:" + victim));
    try (Connection c = app.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT \"refreshToken\" FROM \"User\" WHERE email = ?")) {
      ps.setString(1, victim);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertNotNull(rs.getString(1), "a dry run never revokes");
      }
    }
    List<Map<String, Object>> attacks =
        asService()
            .queryParam("class", "brute-force")
            .get("/api/v1/attacks")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("findAll { it.subject == '" + victim + "' }");
    assertEquals(1, attacks.size());
    assertEquals(true, attacks.get(0).get("shadow"));
    String attackIncident = "auth-guard/brute-force/" + victim;
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(FakeRollbackOrchestratorResource.withKey(attackIncident))
                    .extracting(r -> r.step().action())
                    .containsExactly("attack.classified", "dry-run: would sessions.revoked"));
    IncidentReport wouldRevoke = FakeRollbackOrchestratorResource.withKey(attackIncident).get(1);
    assertEquals(
        "not in a dry run (would revoke)",
        ((AuthAbuseEvidence) wouldRevoke.evidence()).sessionsRevoked());
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                FakeAuditKeeperResource.assertRecorded(
                    "sessions.revoked.dry-run", "incident", attackIncident));
    assertFalse(FakeAuditKeeperResource.has("sessions.revoked", "incident", attackIncident));
  }
}
