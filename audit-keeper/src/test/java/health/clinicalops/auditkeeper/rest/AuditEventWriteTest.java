package health.clinicalops.auditkeeper.rest;

import static health.clinicalops.auditkeeper.support.AuditApi.DATABASE;
import static health.clinicalops.auditkeeper.support.AuditApi.asOperator;
import static health.clinicalops.auditkeeper.support.AuditApi.asService;
import static health.clinicalops.auditkeeper.support.AuditApi.count;
import static health.clinicalops.auditkeeper.support.AuditApi.event;
import static health.clinicalops.auditkeeper.support.AuditApi.post;
import static health.clinicalops.auditkeeper.support.AuditApi.postNdjson;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import health.clinicalops.auditkeeper.support.AuditApi;
import health.clinicalops.auditkeeper.support.TempDirectoriesTestResource;
import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.InjectPostgres;
import health.clinicalops.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The write path, its input rules, review, and the database's append-only guard. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TempDirectoriesTestResource.class)
class AuditEventWriteTest {

  @InjectPostgres EmbeddedPostgresServer pg;

  static String id() {
    return "evt-" + UUID.randomUUID();
  }

  @Test
  void oneEventIsCommittedAnsweredWith201AndCanBeReadBack() {
    String id = id();
    post(event(id, "u-1", "note.read", "2026-01-16T10:00:00.123Z"))
        .then()
        .statusCode(201)
        .header("Location", endsWith("/api/v1/audit-events/" + id))
        .body("durableIn", equalTo("database"))
        .body("accepted", equalTo(1));
    asOperator()
        .get("/api/v1/audit-events/" + id)
        .then()
        .statusCode(200)
        .body("userId", equalTo("u-1"))
        .body("action", equalTo("note.read"))
        .body("details.n", equalTo(id))
        .body("timestamp", equalTo("2026-01-16T10:00:00.123Z"))
        .body("ipAddress", equalTo("203.0.113.7"))
        .body("hash.length()", equalTo(64));
    asOperator()
        .get("/api/v1/audit-events/no-such-id")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("status", equalTo(404))
        .body("detail", containsString("no-such-id"));
  }

  @Test
  void theSameIdTwiceStoresOneRow() throws SQLException {
    String id = id();
    String json = event(id, "u-2", "note.update", "2026-01-16T10:00:00Z");
    post(json).then().statusCode(201);
    post(json).then().statusCode(201);
    postNdjson(json + "\n" + json + "\n").then().statusCode(201);
    assertThat(count(pg, "\"id\" = '" + id + "'")).isEqualTo(1);
  }

  @Test
  void aNewIdTwiceInOneBatchIsCommittedOnceNotSpooled() throws SQLException {
    String id = id();
    String json = event(id, "u-2", "note.update", "2026-01-16T10:00:00Z");
    postNdjson(json + "\n" + json + "\n")
        .then()
        .statusCode(201)
        .body("durableIn", equalTo("database"));
    assertThat(count(pg, "\"id\" = '" + id + "'")).isEqualTo(1);
    given()
        .get("/q/health/ready")
        .then()
        .body("checks.find { it.name == 'audit-spool' }.data.spooling", equalTo(false));
  }

  @Test
  void anNdjsonBatchAndAJsonArrayAreStoredInOrder() throws SQLException {
    List<String> ids = IntStream.range(0, 300).mapToObj(i -> id()).toList();
    String ndjson =
        ids.subList(0, 200).stream()
            .map(id -> event(id, "u-3", "batch.ndjson", "2026-01-16T10:00:00Z"))
            .collect(Collectors.joining("\n", "", "\n"));
    postNdjson(ndjson)
        .then()
        .statusCode(201)
        .body("accepted", equalTo(200))
        .body("ids", hasSize(200));
    String array =
        ids.subList(200, 300).stream()
            .map(id -> event(id, "u-3", "batch.array", "2026-01-16T10:00:00Z"))
            .collect(Collectors.joining(",", "[", "]"));
    post(array).then().statusCode(201).body("accepted", equalTo(100));
    List<String> stored = AuditApi.idsInSequenceOrder(pg).stream().filter(ids::contains).toList();
    assertThat(stored).containsExactlyElementsOf(ids);
  }

  @Test
  void aMissingIdOrTimestampIsFilledInAndDetailsMayBeAStringHoldingAnObject() {
    String id =
        post("{\"userId\":\"u-4\",\"action\":\"minimal\",\"details\":\"{\\\"k\\\":1}\"}")
            .then()
            .statusCode(201)
            .extract()
            .path("ids[0]");
    asOperator()
        .get("/api/v1/audit-events/" + id)
        .then()
        .statusCode(200)
        .body("details.k", equalTo(1));
  }

  @Test
  void badInputIsRefusedWith400AndNothingIsStored() throws SQLException {
    long before = count(pg, "true");
    post("{\"action\": \"x\", ").then().statusCode(400).body("type", containsString("malformed"));
    postNdjson(event(id(), "u", "ok", "2026-01-16T10:00:00Z") + "\n{not json}\n")
        .then()
        .statusCode(400)
        .body("detail", containsString("line 2"));
    post("{\"id\":\"" + id() + "\",\"userId\":\"u\"}")
        .then()
        .statusCode(400)
        .body("detail", containsString("action is required"));
    post("{\"action\":\"x\",\"details\":\"this is not json\"}")
        .then()
        .statusCode(400)
        .body("detail", containsString("details"));
    post("{\"action\":\"x\",\"details\":[1,2]}").then().statusCode(400);
    post("{\"action\":\"x\",\"details\":42}").then().statusCode(400);
    post("{\"action\":\"x\",\"timestamp\":\"yesterday\"}").then().statusCode(400);
    post("{\"action\":\"x\",\"userId\":\"a\\u0000b\"}").then().statusCode(400);
    post("[]").then().statusCode(400);
    post("\"just a string\"").then().statusCode(400);
    assertThat(count(pg, "true")).isEqualTo(before);
  }

  @Test
  void aTenMegabyteBodyIsRefusedWith413() throws SQLException {
    long before = count(pg, "true");
    String big =
        "{\"action\":\"big\",\"details\":{\"blob\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}}";
    post(big).then().statusCode(413);
    assertThat(count(pg, "true")).isEqualTo(before);
  }

  /** Who delivered an event comes from the token, whatever the event says about it. */
  @Test
  void everyEventSaysWhoDeliveredIt() {
    String fromApp = id();
    given()
        .header("Authorization", "Bearer test-app-token")
        .contentType("application/json")
        .body(
            "{\"id\":\""
                + fromApp
                + "\",\"action\":\"note.read\",\"details\":{\"receivedFrom\":{\"caller\":\"db-sentinel\"}}}")
        .post("/api/v1/audit-events")
        .then()
        .statusCode(201);
    asOperator()
        .get("/api/v1/audit-events/" + fromApp)
        .then()
        .statusCode(200)
        .body("details.receivedFrom.caller", startsWith("app:"))
        .body("details.receivedFrom.role", equalTo("app"));

    String fromAuthGuard = id();
    given()
        .header("Authorization", "Bearer auth-guard.test-token-of-auth-guard")
        .contentType("application/x-ndjson")
        .body(
            ("{\"id\":\"" + fromAuthGuard + "\",\"action\":\"ip.blocked\"}\n")
                .getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/audit-events")
        .then()
        .statusCode(201);
    asOperator()
        .get("/api/v1/audit-events/" + fromAuthGuard)
        .then()
        .statusCode(200)
        .body("details.receivedFrom.caller", equalTo("auth-guard"))
        .body("details.receivedFrom.role", equalTo("service"));
  }

  /** The app faces the internet: its token sends events, and reads or archives nothing. */
  @Test
  void theAppsTokenSendsEventsAndNothingElse() {
    given()
        .header("Authorization", "Bearer test-app-token")
        .contentType("application/json")
        .body(event(id(), "u-app", "note.read", "2026-01-16T10:00:00Z"))
        .post("/api/v1/audit-events")
        .then()
        .statusCode(201);
    for (String path :
        List.of("/api/v1/audit-events", "/api/v1/audit-events/x", "/api/v1/audit/verify")) {
      given().header("Authorization", "Bearer test-app-token").get(path).then().statusCode(403);
    }
    given()
        .header("Authorization", "Bearer test-app-token")
        .post("/api/v1/archives")
        .then()
        .statusCode(403);
  }

  @Test
  void writingNeedsATokenAndReviewNeedsAnOperator() {
    given()
        .contentType("application/json")
        .body(event(id(), "u", "a", "2026-01-16T10:00:00Z"))
        .post("/api/v1/audit-events")
        .then()
        .statusCode(401);
    given().get("/api/v1/audit-events").then().statusCode(401);
    asService().get("/api/v1/audit-events").then().statusCode(403);
    asService().get("/api/v1/audit-events/x").then().statusCode(403);
    given().get("/api/v1/audit/verify").then().statusCode(401);
    asService().get("/api/v1/audit/verify").then().statusCode(403);
    given().post("/api/v1/archives").then().statusCode(401);
    asService().post("/api/v1/archives").then().statusCode(403);
  }

  @Test
  void reviewFiltersByUserActionAndTimeAndPages() {
    String user = "reviewer-" + UUID.randomUUID();
    String ndjson =
        IntStream.range(0, 25)
            .mapToObj(
                i ->
                    event(
                        id(),
                        user,
                        i % 2 == 0 ? "note.read" : "note.update",
                        "2026-02-0" + (1 + i % 5) + "T10:00:00Z"))
            .collect(Collectors.joining("\n"));
    postNdjson(ndjson).then().statusCode(201);
    asOperator()
        .queryParam("userId", user)
        .queryParam("action", "note.read")
        .queryParam("size", 5)
        .get("/api/v1/audit-events")
        .then()
        .statusCode(200)
        .body("items", hasSize(5))
        .body("hasMore", equalTo(true));
    asOperator()
        .queryParam("userId", user)
        .queryParam("action", "note.read")
        .queryParam("size", 5)
        .queryParam("page", 2)
        .get("/api/v1/audit-events")
        .then()
        .statusCode(200)
        .body("items", hasSize(3))
        .body("hasMore", equalTo(false));
    asOperator()
        .queryParam("userId", user)
        .queryParam("from", "2026-02-02T00:00:00Z")
        .queryParam("to", "2026-02-03T00:00:00Z")
        .get("/api/v1/audit-events")
        .then()
        .statusCode(200)
        .body("items", hasSize(5))
        .body("items.timestamp", org.hamcrest.Matchers.everyItem(equalTo("2026-02-02T10:00:00Z")));
    asOperator().queryParam("from", "last week").get("/api/v1/audit-events").then().statusCode(400);
  }

  @Test
  void theRunbooksSqlOfStepsOneTwoAndFourWorksUnchanged() throws SQLException {
    try (Connection c = pg.connect(DATABASE);
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO \"AuditLog\" (\"userId\", \"action\", \"details\", \"timestamp\","
              + " \"ipAddress\")\n   VALUES ('test-id', 'test', '{}', NOW(), '127.0.0.1');");
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM \"AuditLog\";")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isPositive();
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT * FROM \"AuditLog\" WHERE \"timestamp\" < NOW() - INTERVAL '90 days'")) {
        assertThat(rs.getMetaData().getColumnName(1)).isEqualTo("id");
      }
    }
    // The hand-made row got its place in the chain too.
    asOperator().get("/api/v1/audit/verify").then().statusCode(200).body("valid", equalTo(true));
  }

  @Test
  void theAppRoleCanInsertButNotUpdateDeleteOrTruncate() throws SQLException {
    pg.execute(
        DATABASE,
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clinical_app') THEN"
            + " CREATE ROLE clinical_app LOGIN PASSWORD 'app-secret' IN ROLE audit_keeper_writer;"
            + " END IF; END $$");
    String id = id();
    try (Connection app =
            DriverManager.getConnection(pg.jdbcUrl(DATABASE), "clinical_app", "app-secret");
        Statement s = app.createStatement()) {
      s.executeUpdate(
          "INSERT INTO \"AuditLog\" (\"id\", \"userId\", \"action\") VALUES ('"
              + id
              + "', 'app', 'app.insert')");
      assertRefused(s, "UPDATE \"AuditLog\" SET \"action\" = 'forged' WHERE \"id\" = '" + id + "'");
      assertRefused(s, "DELETE FROM \"AuditLog\" WHERE \"id\" = '" + id + "'");
      assertRefused(s, "TRUNCATE \"AuditLog\"");
    }
    // Even the owner (here a superuser) is refused by the trigger.
    try (Connection owner = pg.connect(DATABASE);
        Statement s = owner.createStatement()) {
      assertRefused(s, "UPDATE \"AuditLog\" SET \"action\" = 'forged' WHERE \"id\" = '" + id + "'");
      assertRefused(s, "DELETE FROM \"AuditLog\" WHERE \"id\" = '" + id + "'");
      assertRefused(s, "TRUNCATE \"AuditLog\"");
    }
    assertThat(count(pg, "\"id\" = '" + id + "' AND \"action\" = 'app.insert'")).isEqualTo(1);
  }

  private static void assertRefused(Statement s, String sql) {
    try {
      s.execute(sql);
      throw new AssertionError("not refused: " + sql);
    } catch (SQLException e) {
      assertThat(e.getSQLState()).isEqualTo("42501");
    }
  }
}
