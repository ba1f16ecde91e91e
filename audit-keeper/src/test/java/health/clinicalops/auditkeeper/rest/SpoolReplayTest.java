package health.clinicalops.auditkeeper.rest;

import static health.clinicalops.auditkeeper.support.AuditApi.asOperator;
import static health.clinicalops.auditkeeper.support.AuditApi.count;
import static health.clinicalops.auditkeeper.support.AuditApi.event;
import static health.clinicalops.auditkeeper.support.AuditApi.post;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import health.clinicalops.auditkeeper.domain.AuditRecord;
import health.clinicalops.auditkeeper.service.EventSpool;
import health.clinicalops.auditkeeper.support.AuditApi;
import health.clinicalops.auditkeeper.support.FakeIncidentsResource;
import health.clinicalops.auditkeeper.support.TempDirectoriesTestResource;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.evidence.AuditFailureEvidence;
import health.clinicalops.opskit.evidence.Runbooks;
import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.InjectPostgres;
import health.clinicalops.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Replaying the spool when it holds what real outages leave in it: two copies of one event (a
 * client retried while the database hung), and a record the database refuses for good. The replay
 * never stalls: copies are stored once, a refused record is quarantined with an incident, and the
 * records behind it reach "AuditLog".
 */
@QuarkusTest
@TestProfile(SpoolReplayTest.OwnApplication.class)
@WithKubernetesTestServer(crud = true)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TempDirectoriesTestResource.class)
class SpoolReplayTest {

  /**
   * Its own application and database: the outage tests count spooling episodes exactly. The pool
   * may wait 30 s for a connection (an operator may raise the 3 s default): the driver's own
   * timeouts must still end a write that gets no answer within seconds.
   */
  public static class OwnApplication implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "clinicalops.audit-keeper.spool.replay-failures-before-alert",
          "3",
          "quarkus.datasource.jdbc.acquisition-timeout",
          "30s");
    }
  }

  @InjectPostgres EmbeddedPostgresServer pg;
  @Inject EventSpool spool;

  @Test
  void anEventSpooledTwiceByAClientRetryIsStoredOnceAndTheSpoolDrains() throws Exception {
    String retried = "retried-" + System.nanoTime();
    String after = "after-" + System.nanoTime();
    pg.stop();
    try {
      post(event(retried, "u-r", "note.read", "2026-01-16T10:00:00Z")).then().statusCode(202);
      post(event(retried, "u-r", "note.read", "2026-01-16T10:00:00Z")).then().statusCode(202);
      post(event(after, "u-r", "note.read", "2026-01-16T10:00:01Z")).then().statusCode(202);
    } finally {
      pg.restart();
    }
    AuditApi.awaitSpoolDrained(Duration.ofSeconds(30));
    assertThat(count(pg, "\"id\" = '" + retried + "'")).isEqualTo(1);
    assertThat(count(pg, "\"id\" = '" + after + "'")).isEqualTo(1);
  }

  /**
   * The database's processes frozen (SIGSTOP), as a dead network path looks: the services' audit
   * calls time out after 2 s and are retried, so the spool gets copies of the same events. Once the
   * database answers again every event is stored exactly once.
   */
  @Test
  void aHungDatabaseWithRetryingClientsLosesNothingAndStoresEachEventOnce() throws Exception {
    // Writes reach the database only while the spool is empty.
    AuditApi.awaitSpoolDrained(Duration.ofSeconds(30));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String prefix = "hung-" + System.nanoTime() + "-";
    List<String> acknowledged = new ArrayList<>();
    int attempts = 0;
    pg.freeze();
    try {
      Instant frozenUntil = Instant.now().plusSeconds(8);
      for (int i = 0; Instant.now().isBefore(frozenUntil) && i < 200; i++) {
        String id = prefix + i;
        attempts +=
            sendUntilAcknowledged(http, event(id, "u-h", "note.read", "2026-01-16T10:00:00Z"));
        acknowledged.add(id);
      }
    } finally {
      pg.thaw();
    }
    assertThat(attempts)
        .as("client calls timed out and were retried while the database hung")
        .isGreaterThan(acknowledged.size());
    AuditApi.awaitSpoolDrained(Duration.ofSeconds(60));
    for (String id : acknowledged) {
      assertThat(count(pg, "\"id\" = '" + id + "'")).as(id).isEqualTo(1);
    }
    assertThat(count(pg, "\"id\" LIKE '" + prefix + "%'")).isEqualTo(acknowledged.size());
  }

  /**
   * A write the database does not answer (here "AuditLog" is locked by another session, which
   * leaves the statement waiting as a hung network path does) is spooled at {@code
   * database.write-timeout} (5 s). Before, it waited for the driver's 15 s socket timeout while
   * every caller behind it timed out.
   */
  @Test
  void aWriteTheDatabaseDoesNotAnswerIsSpooledAtTheWriteTimeout() throws Exception {
    AuditApi.awaitSpoolDrained(Duration.ofSeconds(30));
    String stuck = "stuck-" + System.nanoTime();
    Duration answeredIn;
    try (Connection locker = pg.connect(AuditApi.DATABASE)) {
      locker.setAutoCommit(false);
      try (Statement s = locker.createStatement()) {
        s.execute("LOCK TABLE \"AuditLog\" IN ACCESS EXCLUSIVE MODE");
      }
      answeredIn = timeToSpool(stuck);
      locker.rollback();
    }
    assertThat(answeredIn).isLessThan(Duration.ofSeconds(10));
    assertStoredOnceWhenDrained(stuck);
  }

  /**
   * A write sent while the database hangs: a pooled connection gets no answer until {@code
   * database.write-timeout} (5 s), a new one none to its start-up packet until the driver's {@code
   * loginTimeout} (3 s). Before, the pool validated each idle connection (2 s each, one after the
   * other) and a new connection's start-up waited for the 15 s socket timeout: 17 s in the drill.
   */
  @Test
  void aWriteSentWhileTheDatabaseHangsIsSpooledWithinSeconds() throws Exception {
    AuditApi.awaitSpoolDrained(Duration.ofSeconds(30));
    post(event("before-hang-" + System.nanoTime(), "u-s", "note.read", "2026-01-16T10:00:00Z"))
        .then()
        .statusCode(201);
    String sentDuringHang = "during-hang-" + System.nanoTime();
    Duration answeredIn;
    pg.freeze();
    try {
      answeredIn = timeToSpool(sentDuringHang);
    } finally {
      pg.thaw();
    }
    assertThat(answeredIn).isLessThan(Duration.ofSeconds(10));
    assertStoredOnceWhenDrained(sentDuringHang);
  }

  /** Posts one event that must go to the spool (202); returns how long the answer took. */
  private static Duration timeToSpool(String id) {
    Instant sent = Instant.now();
    post(event(id, "u-s", "note.read", "2026-01-16T10:00:00Z"))
        .then()
        .statusCode(202)
        .body("durableIn", equalTo("spool"));
    return Duration.between(sent, Instant.now());
  }

  private void assertStoredOnceWhenDrained(String id) throws Exception {
    AuditApi.awaitSpoolDrained(Duration.ofSeconds(30));
    assertThat(count(pg, "\"id\" = '" + id + "'")).isEqualTo(1);
  }

  /**
   * The pool does not validate on borrow, so after the server dropped its connections (a restart, a
   * failover) the next write meets a dead one: it tries once more on a new connection and is
   * committed (201), with no spooling episode for a database that is fine.
   */
  @Test
  void aWriteThatMeetsADeadPooledConnectionIsCommittedOnANewOne() throws Exception {
    AuditApi.awaitSpoolDrained(Duration.ofSeconds(30));
    post(event("warm-" + System.nanoTime(), "u-d", "note.read", "2026-01-16T10:00:00Z"))
        .then()
        .statusCode(201);
    pg.execute(
        AuditApi.DATABASE,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
            + AuditApi.DATABASE
            + "' AND pid <> pg_backend_pid()");
    String afterRestart = "after-drop-" + System.nanoTime();
    post(event(afterRestart, "u-d", "note.read", "2026-01-16T10:00:00Z"))
        .then()
        .statusCode(201)
        .body("durableIn", equalTo("database"));
    assertThat(count(pg, "\"id\" = '" + afterRestart + "'")).isEqualTo(1);
  }

  @Test
  void aRecordTheDatabaseRefusesIsQuarantinedWithAnIncidentAndTheRecordsBehindItAreStored()
      throws Exception {
    String before = "before-poison-" + System.nanoTime();
    String poison = "poison-" + System.nanoTime();
    String behind = "behind-poison-" + System.nanoTime();
    pg.stop();
    try {
      post(event(before, "u-q", "note.read", "2026-01-16T10:00:00Z")).then().statusCode(202);
      // A record an older version accepted: PostgreSQL text cannot hold a NUL character.
      spool.append(
          List.of(
              new AuditRecord(
                  poison,
                  "u-q",
                  "note\u0000read",
                  "{}",
                  Instant.parse("2026-01-16T10:00:00Z"),
                  null)));
      post(event(behind, "u-q", "note.read", "2026-01-16T10:00:01Z")).then().statusCode(202);
    } finally {
      pg.restart();
    }
    AuditApi.awaitSpoolDrained(Duration.ofSeconds(30));
    assertThat(count(pg, "\"id\" = '" + before + "'")).isEqualTo(1);
    assertThat(count(pg, "\"id\" = '" + behind + "'")).isEqualTo(1);
    assertThat(count(pg, "\"id\" = '" + poison + "'")).isZero();

    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.find { it.name == 'audit-spool' }.data.quarantinedEvents", equalTo(1));
    asOperator()
        .get("/api/v1/audit/quarantine")
        .then()
        .statusCode(200)
        .body("size()", equalTo(1))
        .body("[0].event.id", equalTo(poison))
        .body("[0].event.action", equalTo("note\u0000read"))
        .body("[0].reason", org.hamcrest.Matchers.startsWith("SQLState 22"));
    AuditApi.asService().get("/api/v1/audit/quarantine").then().statusCode(403);
    asOperator().get("/api/v1/audit/quarantine?limit=0").then().statusCode(400);
    assertThat(DatabaseOutageTest.metric("clinicalops_audit_keeper_events_quarantined_total"))
        .isEqualTo(1.0);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              List<IncidentReport> quarantined =
                  FakeIncidentsResource.RECEIVED.stream()
                      .filter(r -> r.dedupKey().endsWith("/quarantine"))
                      .toList();
              assertThat(quarantined).hasSize(1);
              assertThat(quarantined.get(0).runbook()).isEqualTo(Runbooks.AUDIT_LOG_FAILURE);
              assertThat(quarantined.get(0).dedupKey()).startsWith("audit-keeper/spooling/");
              AuditFailureEvidence evidence = (AuditFailureEvidence) quarantined.get(0).evidence();
              assertThat(evidence.quarantinedEvents()).isEqualTo(1L);
              assertThat(evidence.ids()).containsExactly(poison);
              assertThat(evidence.reason()).startsWith("SQLState 22");
              assertThat(quarantined.get(0).step().action())
                  .isEqualTo("audit-keeper.events.quarantined");
              assertThat(quarantined.get(0).step().detail()).contains("/api/v1/audit/quarantine");
            });
    assertThat(count(pg, "\"action\" = 'audit-keeper.events.quarantined'")).isEqualTo(1);
    String quarantineKey =
        FakeIncidentsResource.RECEIVED.stream()
            .filter(r -> r.dedupKey().endsWith("/quarantine"))
            .findFirst()
            .orElseThrow()
            .dedupKey();
    assertThat(
            count(
                pg,
                "\"action\" = 'audit-keeper.events.quarantined' AND \"userId\" = 'audit-keeper'"
                    + " AND \"details\"->>'incident' = '"
                    + quarantineKey
                    + "' AND \"details\"->>'count' = '1'"))
        .isEqualTo(1);
  }

  /** Posts like a peer service: 2 s timeout, retried until acknowledged; returns the attempts. */
  private static int sendUntilAcknowledged(HttpClient http, String json)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://localhost:" + RestAssured.port + "/api/v1/audit-events"))
            .timeout(Duration.ofSeconds(2))
            .header("Authorization", "Bearer " + AuditApi.SERVICE)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    for (int attempt = 1; attempt <= 30; attempt++) {
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 == 2) {
          return attempt;
        }
      } catch (HttpTimeoutException timedOut) {
        // What a peer's REST client does after 2 s: try again.
      }
    }
    throw new AssertionError("not acknowledged after 30 attempts: " + json);
  }
}
