package health.clinicalops.authguard;

import static health.clinicalops.authguard.support.Api.asApp;
import static health.clinicalops.authguard.support.Api.asOperator;
import static health.clinicalops.authguard.support.Api.asService;
import static health.clinicalops.authguard.support.Api.checkFromIp;
import static health.clinicalops.authguard.support.Api.failure;
import static health.clinicalops.authguard.support.Api.failures;
import static health.clinicalops.authguard.support.Api.ndjson;
import static health.clinicalops.authguard.support.Api.send;
import static health.clinicalops.authguard.support.Api.sendBatch;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.clinicalops.authguard.config.AuthGuardConfig;
import health.clinicalops.authguard.peers.FakeAuditKeeperResource;
import health.clinicalops.authguard.peers.FakeRollbackOrchestratorResource;
import health.clinicalops.authguard.store.StoreKeys;
import health.clinicalops.opskit.clients.AuditEvent;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.AuthAbuseEvidence;
import health.clinicalops.opskit.evidence.Runbooks;
import health.clinicalops.testing.PostgresTestResource;
import health.clinicalops.testing.RedisTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The "Authentication Abuse Detected" runbook: the block threshold, allowlist, TTLs and operator
 * blocks (step 3), the attack classes (step 4), session revocation in the app's "User" table (step
 * 5), and bad input. One class, so that the application starts once for all of them.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "auth_guard"))
@WithTestResource(RedisTestResource.class)
class AuthAbuseTest {

  @Inject AgroalDataSource database;
  @Inject AuthGuardConfig config;
  @Inject RedisAPI redis;

  private static String randomIp() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return "198.51." + r.nextInt(0, 100) + "." + r.nextInt(1, 255);
  }

  private static Duration ttlOf(JsonPath block) {
    return Duration.between(
        Instant.parse(block.getString("createdAt")), Instant.parse(block.getString("expiresAt")));
  }

  @Test
  void fiftyFailuresFromOneIpDoNotBlockButTheFiftyFirstDoesAtOnce() {
    String ip = randomIp();
    sendBatch(failures(ip, 50))
        .statusCode(200)
        .body("accepted", equalTo(50))
        .body("blockedIps", empty());
    asService().get("/api/v1/blocks/" + ip).then().statusCode(404);
    checkFromIp("k-" + ip, "READ", ip).statusCode(200);

    sendBatch(List.of(failure(ip, "late@" + ip + ".example", "fp-late")))
        .statusCode(200)
        .body("blockedIps", hasItem(ip));
    asService()
        .get("/api/v1/blocks/" + ip)
        .then()
        .statusCode(200)
        .body("ip", equalTo(ip))
        .body("offence", equalTo(1))
        .body("origin", equalTo("automatic"))
        .body("evidence.failures", equalTo(51));
    checkFromIp("k-" + ip, "READ", ip)
        .statusCode(403)
        .contentType("application/problem+json")
        .header("Retry-After", notNullValue());
    // The key alone, when it is the IP, is checked as well.
    asService()
        .contentType(ContentType.JSON)
        .body(Map.of("key", ip, "policy", "READ"))
        .post("/api/v1/rate-limit/check")
        .then()
        .statusCode(403);

    String dedupKey = "auth-guard/ip/" + ip;
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> FakeAuditKeeperResource.assertRecorded("ip.blocked", "incident", dedupKey));
    AuditEvent audited = FakeAuditKeeperResource.find("ip.blocked", "ip", ip).orElseThrow();
    assertEquals("auth-guard", audited.userId());
    assertEquals("automatic", audited.details().get("origin"));
    assertEquals(Runbooks.AUTHENTICATION_ABUSE, audited.details().get("runbook"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !FakeRollbackOrchestratorResource.withKey(dedupKey).isEmpty());
    IncidentReport incident = FakeRollbackOrchestratorResource.withKey(dedupKey).get(0);
    assertEquals(Severity.P1, incident.severity());
    assertEquals(Runbooks.AUTHENTICATION_ABUSE, incident.runbook());
    assertEquals("ip.blocked", incident.step().action());
    assertEquals(audited.details().get("detail"), incident.step().detail());
    AuthAbuseEvidence evidence = (AuthAbuseEvidence) incident.evidence();
    assertEquals(ip, evidence.ip());
    assertEquals(51L, evidence.failures());
    assertEquals(config.abuse().maxFailuresPerIp(), evidence.threshold());
    assertEquals(1, evidence.offence());
    assertEquals(false, evidence.shadow());
    assertNotNull(evidence.expiresAt());
  }

  @Test
  void ipv6AddressesOfOneSlash64ShareACounterAndABlock() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String network =
        "2001:db8:"
            + Integer.toHexString(r.nextInt(1, 0xffff))
            + ":"
            + Integer.toHexString(r.nextInt(1, 0xffff));
    String first = network + "::a";
    String second = network + ":0:0:0:b";
    String sameNetwork = network + ":ffff:ffff:ffff:ffff";
    String otherNetwork = network.substring(0, network.lastIndexOf(':')) + ":0::a";
    String prefix = network + "::/64";
    // 26 + 25 failures: over the threshold of 50 only when counted together.
    sendBatch(failures(first, 26)).statusCode(200).body("blockedIps", empty());
    sendBatch(failures(second, 25)).statusCode(200).body("blockedIps", hasItem(prefix));
    asService()
        .get("/api/v1/blocks/" + sameNetwork)
        .then()
        .statusCode(200)
        .body("ip", equalTo(prefix))
        .body("evidence.failures", equalTo(51));
    checkFromIp("k-" + first, "READ", sameNetwork)
        .statusCode(403)
        .contentType("application/problem+json");
    checkFromIp("k-" + first, "READ", otherNetwork).statusCode(200);
    asService().get("/api/v1/blocks/" + otherNetwork).then().statusCode(404);
    checkFromIp("k-" + first, "READ", network + "::zz")
        .statusCode(400)
        .contentType("application/problem+json")
        .body("status", equalTo(400));
  }

  @Test
  void aNulByteInAUsernameIsRefusedAndNothingIsCounted() {
    String ip = randomIp();
    send(Map.of("ip", ip, "username", "ev\u0000il@clinic.example", "outcome", "failure"))
        .statusCode(400)
        .contentType("application/problem+json")
        .body("status", equalTo(400));
    assertEquals(0, ipFailures(ip));
  }

  @Test
  void aBatchWithOneBadLineIsNeverCountedTwiceWhenItsSenderRetries() {
    String ip = randomIp();
    String body =
        String.format(
            "{\"ip\":\"%s\",\"username\":\"a@clinic.example\",\"outcome\":\"failure\"}\n"
                + "{\"ip\":\"%s\",\"username\":\"b\\u0000@clinic.example\",\"outcome\":\"failure\"}\n"
                + "{\"ip\":\"%s\",\"username\":\"c@clinic.example\",\"outcome\":\"failure\"}\n",
            ip, ip, ip);
    // A sender (Fluent Bit, Vector) retries a batch until it gets a 2xx.
    int status = 0;
    for (int attempt = 0; attempt < 3 && (status < 200 || status > 299); attempt++) {
      status =
          ndjson(body)
              .body("accepted", equalTo(2))
              .body("rejected", equalTo(1))
              .body("errors[0].line", equalTo(2))
              .extract()
              .statusCode();
    }
    assertEquals(200, status);
    assertEquals(2, ipFailures(ip));
  }

  private long ipFailures(String ip) {
    return redis
        .zcard(StoreKeys.failures(ip, "-", null).ipFailures())
        .await()
        .atMost(Duration.ofSeconds(2))
        .toLong();
  }

  @Test
  void theAllowlistIsNeverBlocked() {
    for (String ip : List.of("10.20.7.9", "2001:db8:aaaa::7")) {
      sendBatch(failures(ip, 60)).statusCode(200).body("blockedIps", empty());
      asService().get("/api/v1/blocks/" + ip).then().statusCode(404);
    }
    asOperator()
        .contentType(ContentType.JSON)
        .body(Map.of("ip", "10.20.1.1", "reason", "manual"))
        .post("/api/v1/blocks")
        .then()
        .statusCode(409)
        .contentType("application/problem+json");
  }

  @Test
  void aBlockExpiresAfterItsTtl() {
    String ip = randomIp();
    sendBatch(failures(ip, 51)).statusCode(200).body("blockedIps", hasItem(ip));
    JsonPath block =
        asService().get("/api/v1/blocks/" + ip).then().statusCode(200).extract().jsonPath();
    assertEquals(Duration.ofSeconds(2), ttlOf(block));
    await()
        .atMost(Duration.ofSeconds(4))
        .until(() -> asService().get("/api/v1/blocks/" + ip).statusCode() == 404);
    checkFromIp("k-" + ip, "READ", ip).statusCode(200);
  }

  @Test
  void aRepeatOffendersTtlGrowsAndStopsAtTheCap() {
    String ip = randomIp();
    // 2 s, then x2 per earlier block, capped at 5 s (test settings; defaults 15m, x2, 24h).
    List<Duration> expected =
        List.of(
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5));
    sendBatch(failures(ip, 50)).statusCode(200);
    for (int offence = 1; offence <= expected.size(); offence++) {
      sendBatch(List.of(failure(ip, "again@" + ip + ".example", "fp-again-" + offence)))
          .statusCode(200)
          .body("blockedIps", hasItem(ip));
      JsonPath block =
          asService().get("/api/v1/blocks/" + ip).then().statusCode(200).extract().jsonPath();
      assertEquals(offence, block.getInt("offence"));
      assertEquals(expected.get(offence - 1), ttlOf(block), "TTL of offence " + offence);
      asOperator()
          .delete("/api/v1/blocks/" + ip)
          .then()
          .statusCode(200)
          .body("liftedBy", startsWith("operator:"));
      asService().get("/api/v1/blocks/" + ip).then().statusCode(404);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> FakeAuditKeeperResource.assertRecorded("ip.unblocked", "ip", ip));
    assertThat(FakeAuditKeeperResource.find("ip.unblocked", "ip", ip).orElseThrow().details())
        .containsEntry("incident", "auth-guard/ip/" + ip)
        .hasEntrySatisfying("liftedBy", by -> assertThat(by).asString().startsWith("operator:"));
    assertThat(FakeRollbackOrchestratorResource.withKey("auth-guard/ip/" + ip))
        .extracting(r -> r.step().action())
        .contains("ip.blocked", "ip.unblocked");
  }

  /**
   * The app faces the internet: its token sends auth events and asks rate-limit and block checks,
   * and nothing else (no attack list, no block list, no windows, no blocking or unblocking).
   */
  @Test
  void theAppsTokenSendsEventsAndAsksChecksOnly() {
    String ip = "198.51.100." + ThreadLocalRandom.current().nextInt(1, 250);
    asApp()
        .contentType(ContentType.JSON)
        .body(failure(ip, "app-scope@" + ip + ".example", "fp-app"))
        .post("/api/v1/auth-events")
        .then()
        .statusCode(200);
    asApp()
        .contentType(ContentType.JSON)
        .body(Map.of("key", "k-app-" + ip, "policy", "READ", "ip", ip))
        .post("/api/v1/rate-limit/check")
        .then()
        .statusCode(200);
    asApp().get("/api/v1/blocks/" + ip).then().statusCode(404);
    asApp().get("/api/v1/blocks").then().statusCode(403);
    asApp().get("/api/v1/attacks").then().statusCode(403);
    asApp().get("/api/v1/rate-limit/windows").then().statusCode(403);
    asApp()
        .contentType(ContentType.JSON)
        .body(Map.of("ip", ip, "reason", "the app tries", "ttlSeconds", 600))
        .post("/api/v1/blocks")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    asApp().delete("/api/v1/blocks/" + ip).then().statusCode(403);
    asApp().post("/api/v1/accounts/someone/revoke-sessions").then().statusCode(403);
  }

  @Test
  void operatorsBlockAndUnblockAndOthersCannot() {
    String ip =
        "2001:db8:5::" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1, 0xffff));
    Map<String, Object> body = Map.of("ip", ip, "reason", "seen in WAF logs", "ttlSeconds", 600);
    given().contentType(ContentType.JSON).body(body).post("/api/v1/blocks").then().statusCode(401);
    asService()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/v1/blocks")
        .then()
        .statusCode(403);
    JsonPath created =
        asOperator()
            .contentType(ContentType.JSON)
            .body(body)
            .post("/api/v1/blocks")
            .then()
            .statusCode(201)
            .body("origin", equalTo("operator"))
            .body("createdBy", startsWith("operator:"))
            .header("Location", containsString("/api/v1/blocks/2001:db8:5:"))
            .extract()
            .jsonPath();
    // An IPv6 address is blocked as its /64 (abuse.ipv6-prefix-length).
    String network = created.getString("ip");
    assertEquals("2001:db8:5::/64", network);
    asService().get("/api/v1/blocks/" + ip).then().statusCode(200).body("ip", equalTo(network));
    asService().get("/api/v1/blocks").then().statusCode(200).body("ip", hasItem(network));
    checkFromIp("k", "READ", ip).statusCode(403);
    asService().delete("/api/v1/blocks/" + ip).then().statusCode(403);
    given().delete("/api/v1/blocks/" + ip).then().statusCode(401);
    asOperator().delete("/api/v1/blocks/" + ip).then().statusCode(200);
    asOperator().delete("/api/v1/blocks/" + ip).then().statusCode(404);
    checkFromIp("k", "READ", ip).statusCode(200);
    asOperator()
        .contentType(ContentType.JSON)
        .body(Map.of("ip", "300.1.1.1", "reason", "typo"))
        .post("/api/v1/blocks")
        .then()
        .statusCode(400);
    asService().get("/api/v1/blocks/not-an-ip").then().statusCode(400);
  }

  @Test
  void hugeNumbersInABlockOrAnAttackQueryAreRefusedNotAFault() {
    for (Object ttl : new Object[] {Long.MAX_VALUE, 999_999_999_999L, "99999999999999999999"}) {
      asOperator()
          .contentType(ContentType.JSON)
          .body("{\"ip\":\"" + randomIp() + "\",\"reason\":\"huge\",\"ttlSeconds\":" + ttl + "}")
          .post("/api/v1/blocks")
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
    for (String since :
        new String[] {"PT2562047788015215H", "P99999999999D", "-PT2562047788015215H"}) {
      asService()
          .queryParam("since", since)
          .get("/api/v1/attacks")
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
  }

  @Test
  void aBlockWrittenByAnotherReplicaIsEnforcedWithinOneSecond() throws Exception {
    String ip = randomIp();
    checkFromIp("k-" + ip, "READ", ip).statusCode(200);
    Instant now = Instant.now();
    try (Connection c = database.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO ip_block (ip, reason, origin, created_by, created_at, expires_at,"
                    + " offence) VALUES (?, 'blocked by replica 2', 'automatic', 'auth-guard', ?, ?, 1)")) {
      ps.setString(1, ip);
      ps.setTimestamp(2, Timestamp.from(now));
      ps.setTimestamp(3, Timestamp.from(now.plus(Duration.ofMinutes(5))));
      ps.executeUpdate();
    }
    await()
        .atMost(Duration.ofSeconds(1))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> checkFromIp("k-" + ip, "READ", ip).extract().statusCode() == 403);
  }

  /**
   * Rows written before evidence was typed (no {@code kind}) read as they did; V3 moves an attack's
   * key to the journal's format, so an attack going on across the upgrade stays one episode.
   */
  @Test
  void rowsStoredBeforeTheUpgradeAreReadAndAttackKeysMigrated() throws Exception {
    String network =
        "2001:db8:77:" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1, 0xffff));
    String subject = network + "::/64";
    String oldKey = "auth-guard:authentication-abuse:credential-stuffing:" + subject;
    try {
      try (Connection c = database.getConnection();
          PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO attack (dedup_key, attack_class, subject, first_seen, last_seen,"
                      + " failures, evidence) VALUES (?, 'credential-stuffing', ?, now(), now(),"
                      + " 30, ?::jsonb)")) {
        ps.setString(1, oldKey);
        ps.setString(2, subject);
        ps.setString(
            3,
            "{\"variant\":\"credential-stuffing\",\"ip\":\""
                + subject
                + "\",\"failures\":30,\"distinctUsernames\":25,\"window\":\"PT10M\","
                + "\"sampleUsernames\":[\"a@clinic.example\"],\"allowlisted\":false}");
        ps.executeUpdate();
      }
      String migration;
      try (var in =
          getClass()
              .getClassLoader()
              .getResourceAsStream(
                  "db/migration/V3__attack_dedup_keys_in_the_journal_format.sql")) {
        migration = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      }
      try (Connection c = database.getConnection();
          Statement st = c.createStatement()) {
        st.execute(migration);
      }
      JsonPath attack = attack("credential-stuffing", subject);
      assertEquals(
          "auth-guard/credential-stuffing/" + network + "::_64", attack.getString("dedupKey"));
      assertEquals("credential-stuffing", attack.getString("evidence.variant"));
      assertEquals(25, attack.getInt("evidence.distinctUsernames"));
      assertEquals(List.of("a@clinic.example"), attack.getList("evidence.sampleUsernames"));
    } finally {
      execute("DELETE FROM attack WHERE subject = ?", subject);
    }

    String ip = randomIp();
    Instant now = Instant.now();
    try (Connection c = database.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO ip_block (ip, reason, origin, created_by, created_at, expires_at,"
                    + " offence, evidence) VALUES (?, 'before the upgrade', 'automatic',"
                    + " 'auth-guard', ?, ?, 1, '{\"failures\":51,\"window\":\"PT10M\","
                    + "\"threshold\":50}'::jsonb)")) {
      ps.setString(1, ip);
      ps.setTimestamp(2, Timestamp.from(now));
      ps.setTimestamp(3, Timestamp.from(now.plus(Duration.ofMinutes(5))));
      ps.executeUpdate();
    }
    asService()
        .get("/api/v1/blocks/" + ip + "/history")
        .then()
        .statusCode(200)
        .body("[0].evidence.failures", equalTo(51))
        .body("[0].evidence.threshold", equalTo(50))
        .body("[0].evidence.window", equalTo("PT10M"));
  }

  @Inject
  @DataSource("app")
  AgroalDataSource app;

  private String run;

  @BeforeEach
  void appSchema() throws SQLException {
    run = UUID.randomUUID().toString().substring(0, 8);
    try (Connection c = app.getConnection();
        Statement s = c.createStatement()) {
      // The app's table as its Prisma schema has it (the columns auth-guard touches).
      s.execute(
          "CREATE TABLE IF NOT EXISTS \"User\" (id TEXT PRIMARY KEY, email TEXT UNIQUE NOT NULL,"
              + " \"refreshToken\" TEXT)");
    }
  }

  private void createUser(String email) throws SQLException {
    try (Connection c = app.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO \"User\" (id, email, \"refreshToken\") VALUES (?, ?, ?)")) {
      ps.setString(1, UUID.randomUUID().toString());
      ps.setString(2, email);
      ps.setString(3, "rt-" + UUID.randomUUID());
      ps.executeUpdate();
    }
  }

  private String refreshToken(String email) throws SQLException {
    try (Connection c = app.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT \"refreshToken\" FROM \"User\" WHERE email = ?")) {
      ps.setString(1, email);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "user " + email + " exists");
        return rs.getString(1);
      }
    }
  }

  private static JsonPath attack(String attackClass, String subject) {
    List<Map<String, Object>> attacks =
        asService()
            .queryParam("class", attackClass)
            .get("/api/v1/attacks")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("$");
    Map<String, Object> found =
        attacks.stream()
            .filter(a -> subject.equals(a.get("subject")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no " + attackClass + " attack on " + subject));
    return JsonPath.from(
        new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(found).toString());
  }

  private static List<String> subjects() {
    return asService()
        .get("/api/v1/attacks")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("subject");
  }

  @Test
  void credentialStuffingWithCommonPasswordsIsRecognisedFromOneIp() {
    String ip = "203.0.113." + (10 + Math.abs(run.hashCode() % 200));
    List<Map<String, Object>> events = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      // 30 accounts, three common passwords (the same fingerprints over many accounts).
      events.add(
          failure(
              ip, "staff" + i + "-" + run + "@clinic.example", "common-" + run + "-" + (i % 3)));
    }
    sendBatch(events).statusCode(200).body("attacks", hasItem("credential-stuffing:" + ip));
    JsonPath attack = attack("credential-stuffing", ip);
    assertEquals("password-spraying", attack.getString("evidence.variant"));
    assertTrue(attack.getInt("evidence.distinctUsernames") >= 20);
    assertTrue(attack.getInt("evidence.commonPasswordFailures") > 0);
    assertFalse(attack.getList("evidence.sampleUsernames").isEmpty());
    String dedupKey = "auth-guard/credential-stuffing/" + ip;
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !FakeRollbackOrchestratorResource.withKey(dedupKey).isEmpty());
    IncidentReport incident = FakeRollbackOrchestratorResource.withKey(dedupKey).get(0);
    assertEquals(Severity.P1, incident.severity());
    assertEquals("attack.classified", incident.step().action());
    AuthAbuseEvidence evidence = (AuthAbuseEvidence) incident.evidence();
    assertEquals("credential-stuffing", evidence.attackClass());
    assertEquals("password-spraying", evidence.variant());
    assertEquals(ip, evidence.ip());
    assertEquals(false, evidence.allowlisted());
    assertFalse(evidence.sampleUsernames().isEmpty());
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                FakeAuditKeeperResource.assertRecorded("attack.classified", "incident", dedupKey));
    assertThat(
            FakeAuditKeeperResource.find("attack.classified", "incident", dedupKey)
                .orElseThrow()
                .details())
        .containsEntry("class", "credential-stuffing")
        .containsEntry("subject", ip)
        .containsEntry("shadow", false);
    // One incident per source and attack: more events update it, never open another key.
    sendBatch(List.of(failure(ip, "more-" + run + "@clinic.example", "x"))).statusCode(200);
    assertTrue(
        FakeRollbackOrchestratorResource.REPORTS.stream()
            .filter(r -> r.dedupKey().contains(ip))
            .allMatch(r -> r.dedupKey().equals(dedupKey)));
  }

  @Test
  void bruteForceOnOneAccountIsRecognisedAndItsSessionsAreRevoked() throws SQLException {
    String victim = "victim-" + run + "@clinic.example";
    String bystander = "bystander-" + run + "@clinic.example";
    createUser(victim);
    createUser(bystander);
    String bystanderToken = refreshToken(bystander);
    List<Map<String, Object>> events = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      events.add(failure("192.0.2." + (1 + i % 2), victim, "guess-" + run + "-" + i));
    }
    sendBatch(events).statusCode(200).body("attacks", hasItem("brute-force:" + victim));
    JsonPath attack = attack("brute-force", victim);
    assertTrue(attack.getInt("evidence.distinctPasswords") >= 20);
    assertEquals(true, attack.getBoolean("sessionsRevoked"));
    assertNull(refreshToken(victim), "the targeted account is signed out everywhere");
    assertEquals(bystanderToken, refreshToken(bystander), "no other account is touched");
    String dedupKey = "auth-guard/brute-force/" + victim;
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> FakeAuditKeeperResource.assertRecorded("sessions.revoked", "username", victim));
    assertThat(
            FakeAuditKeeperResource.find("sessions.revoked", "username", victim)
                .orElseThrow()
                .details())
        .containsEntry("incident", dedupKey)
        .containsEntry("accounts", 1)
        .containsEntry("reason", "brute-force detected");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(FakeRollbackOrchestratorResource.withKey(dedupKey))
                    .extracting(r -> r.step().action())
                    .contains("sessions.revoked"));
    IncidentReport revoked =
        FakeRollbackOrchestratorResource.withKey(dedupKey).stream()
            .filter(r -> "sessions.revoked".equals(r.step().action()))
            .findFirst()
            .orElseThrow();
    AuthAbuseEvidence evidence = (AuthAbuseEvidence) revoked.evidence();
    assertEquals("brute-force", evidence.attackClass());
    assertEquals(victim, evidence.username());
    assertEquals("revoked", evidence.sessionsRevoked());
    assertFalse(evidence.sampleIps().isEmpty());
    assertEquals("revoked", attack("brute-force", victim).getString("evidence.sessionsRevoked"));
  }

  private static List<Map<String, Object>> guesses(String victim, String round, int count) {
    List<Map<String, Object>> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(failure("192.0.2." + (1 + i % 2), victim, "guess-" + round + "-" + i));
    }
    return events;
  }

  private void signInAgain(String email) throws SQLException {
    try (Connection c = app.getConnection();
        PreparedStatement ps =
            c.prepareStatement("UPDATE \"User\" SET \"refreshToken\" = ? WHERE email = ?")) {
      ps.setString(1, "rt-" + UUID.randomUUID());
      ps.setString(2, email);
      ps.executeUpdate();
    }
  }

  private void execute(String sql, String parameter) throws SQLException {
    try (Connection c = database.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, parameter);
      ps.executeUpdate();
    }
  }

  private static long classified(String dedupKey) {
    return FakeRollbackOrchestratorResource.withKey(dedupKey).stream()
        .filter(r -> r.step() != null && "attack.classified".equals(r.step().action()))
        .count();
  }

  /**
   * An attack that has been quiet for longer than attack-expiry has ended; the same account
   * attacked again later is a new attack: reported again, and its sessions revoked again.
   */
  @Test
  void aRepeatAttackOnTheSameAccountAfterAQuietPeriodIsReportedAgain() throws SQLException {
    String victim = "repeat-" + run + "@clinic.example";
    String dedupKey = "auth-guard/brute-force/" + victim;
    createUser(victim);
    sendBatch(guesses(victim, "first", 25)).statusCode(200);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertEquals(1, classified(dedupKey), "classifications"));
    assertNull(refreshToken(victim));

    // The user signs in again; the attack stops and stays quiet for two hours.
    signInAgain(victim);
    execute(
        "UPDATE attack SET last_seen = last_seen - interval '2 hours',"
            + " first_seen = first_seen - interval '2 hours' WHERE dedup_key = ?",
        dedupKey);

    sendBatch(guesses(victim, "second", 25)).statusCode(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              sendBatch(guesses(victim, "more", 1)).statusCode(200);
              assertEquals(2, classified(dedupKey), "the repeat is a second classification");
              assertNull(refreshToken(victim), "signed out again");
            });
    JsonPath attack = attack("brute-force", victim);
    assertTrue(
        Instant.parse(attack.getString("firstSeen")).isAfter(Instant.now().minusSeconds(60)),
        "the record starts over: " + attack.getString("firstSeen"));
  }

  /**
   * An attacker who makes failures look targeted could sign out any account: automatic revocations
   * are capped per window, across replicas, and beyond the cap a person decides.
   */
  @Test
  void automaticRevocationsStopAtTheCapAndAPersonIsAsked() throws SQLException {
    int cap = config.abuse().maxAutomaticRevocations();
    String earlier = "capped-earlier-" + run + "-";
    try {
      try (Connection c = database.getConnection();
          PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO attack (dedup_key, attack_class, subject, first_seen, last_seen,"
                      + " failures, sessions_revoked, sessions_revoked_at)"
                      + " VALUES (?, 'brute-force', ?, now(), now(), 30, true, now())")) {
        for (int i = 0; i < cap; i++) {
          ps.setString(1, earlier + i);
          ps.setString(2, earlier + i);
          ps.executeUpdate();
        }
      }
      String victim = "capped-" + run + "@clinic.example";
      String dedupKey = "auth-guard/brute-force/" + victim;
      createUser(victim);
      String token = refreshToken(victim);

      sendBatch(guesses(victim, "capped", 25))
          .statusCode(200)
          .body("attacks", hasItem("brute-force:" + victim));

      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(FakeRollbackOrchestratorResource.withKey(dedupKey))
                      .extracting(r -> r.step() == null ? "" : r.step().action())
                      .contains("sessions.revoke.capped")
                      .doesNotContain("sessions.revoked"));
      assertEquals(token, refreshToken(victim), "beyond the cap nobody is signed out");
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  FakeAuditKeeperResource.assertRecorded(
                      "sessions.revoke.capped", "incident", dedupKey));
      assertEquals(
          "not automatically: cap reached",
          attack("brute-force", victim).getString("evidence.sessionsRevoked"));
      assertEquals(false, attack("brute-force", victim).getBoolean("sessionsRevoked"));
    } finally {
      execute("DELETE FROM attack WHERE dedup_key LIKE ?", earlier + "%");
    }
  }

  @Test
  void aDistributedAttackFromManyIpsOnTheSameAccountsIsRecognised() throws SQLException {
    String target = "target-" + run + "@clinic.example";
    createUser(target);
    List<Map<String, Object>> events = new ArrayList<>();
    for (int ip = 1; ip <= 12; ip++) {
      for (int attempt = 0; attempt < 2; attempt++) {
        events.add(
            failure(
                "100.64." + (run.hashCode() & 0x3f) + "." + ip,
                target,
                "pw-" + run + "-" + attempt));
      }
    }
    sendBatch(events).statusCode(200).body("attacks", hasItem("distributed:" + target));
    JsonPath attack = attack("distributed", target);
    assertTrue(attack.getInt("evidence.distinctIps") >= 10);
    assertTrue(attack.getList("evidence.sampleIps").size() >= 10);
    assertNull(refreshToken(target));
    List<String> bruteForced =
        asService()
            .queryParam("class", "brute-force")
            .get("/api/v1/attacks")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("subject");
    assertFalse(
        bruteForced.contains(target), "many IPs on one account: distributed, not brute force");
  }

  @Test
  void aNormalStreamOfManyUsersWithFewFailuresIsNotFlagged() {
    List<Map<String, Object>> events = new ArrayList<>();
    List<String> users = new ArrayList<>();
    for (int u = 0; u < 150; u++) {
      String user = "nurse" + u + "-" + run + "@clinic.example";
      users.add(user);
      String ip = "172.16." + (u / 200) + "." + (u % 200 + 1);
      // Each user mistypes once or twice (their own passwords), then signs in.
      for (int f = 0; f < 1 + u % 2; f++) {
        events.add(failure(ip, user, "typo-" + run + "-" + u + "-" + f));
      }
      Map<String, Object> success =
          new HashMap<>(Map.of("ip", ip, "username", user, "outcome", "success"));
      events.add(success);
    }
    sendBatch(events)
        .statusCode(200)
        .body("accepted", equalTo(events.size()))
        .body("attacks", empty())
        .body("blockedIps", empty());
    List<String> subjects = subjects();
    assertTrue(users.stream().noneMatch(subjects::contains));
  }

  @Test
  void anOperatorRevokesOneAccountsSessionsOnly() throws SQLException {
    String alice = "alice-" + run + "@clinic.example";
    String bob = "bob-" + run + "@clinic.example";
    createUser(alice);
    createUser(bob);
    String bobToken = refreshToken(bob);
    assertNotNull(refreshToken(alice));
    given().post("/api/v1/accounts/" + alice + "/revoke-sessions").then().statusCode(401);
    asService().post("/api/v1/accounts/" + alice + "/revoke-sessions").then().statusCode(403);
    asOperator()
        .post("/api/v1/accounts/" + alice + "/revoke-sessions")
        .then()
        .statusCode(200)
        .body("accountsUpdated", equalTo(1));
    assertNull(refreshToken(alice));
    assertEquals(bobToken, refreshToken(bob));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> FakeAuditKeeperResource.assertRecorded("sessions.revoked", "username", alice));
    assertThat(
            FakeAuditKeeperResource.find("sessions.revoked", "username", alice)
                .orElseThrow()
                .details())
        .containsEntry("accounts", 1)
        .doesNotContainKey("incident")
        .hasEntrySatisfying("operator", by -> assertThat(by).asString().startsWith("operator:"));
    asOperator()
        .post("/api/v1/accounts/nobody-" + run + "@clinic.example/revoke-sessions")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }

  @Test
  void malformedJsonIsA400Problem() {
    asService()
        .contentType(ContentType.JSON)
        .body("{\"ip\": \"192.0.2.1\", \"username\": ")
        .post("/api/v1/auth-events")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:clinicalops:problem:malformed-json"));
    asService()
        .contentType(ContentType.JSON)
        .body("{\"key\": ")
        .post("/api/v1/rate-limit/check")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  @Test
  void aMissingIpIsA400NamingTheField() {
    send(Map.of("username", "a@clinic.example", "outcome", "failure"))
        .statusCode(400)
        .contentType("application/problem+json")
        .body("violations.field", hasItem("ip"));
  }

  @Test
  void anUnknownOutcomeIsA400() {
    send(Map.of("ip", "192.0.2.1", "username", "a@clinic.example", "outcome", "maybe"))
        .statusCode(400)
        .contentType("application/problem+json");
  }

  @Test
  void invalidIpStringsAreRefusedAndValidOnesOfBothFamiliesAccepted() {
    List<String> invalid =
        List.of(
            "999.1.1.1",
            "1.2.3",
            "01.2.3.4",
            "1.2.3.4.5",
            "256.0.0.1",
            "abc",
            "example.com",
            "localhost",
            "1.2.3.4 ",
            " 1.2.3.4",
            "2001:db8::g",
            "2001:db8:::1",
            "1::2::3",
            "[::1]",
            "fe80::1%eth0",
            "12345::1",
            "::ffff:999.1.1.1",
            "");
    for (String ip : invalid) {
      send(Map.of("ip", ip, "username", "a@clinic.example", "outcome", "failure"))
          .statusCode(400)
          .contentType("application/problem+json");
    }
    for (String ip :
        List.of(
            "192.0.2.10",
            "0.0.0.0",
            "::1",
            "2001:db8::1",
            "2001:0db8:0:0:0:0:0:2",
            "::ffff:192.0.2.1")) {
      send(Map.of("ip", ip, "username", "ok@clinic.example", "outcome", "success"))
          .statusCode(200)
          .body("accepted", equalTo(1));
    }
  }

  @Test
  void aTenMegabyteBodyIsA413Problem() {
    byte[] big = new byte[10 * 1024 * 1024];
    Arrays.fill(big, (byte) ' ');
    asService()
        .contentType(ContentType.JSON)
        .body(big)
        .post("/api/v1/auth-events")
        .then()
        .statusCode(413)
        .contentType("application/problem+json")
        .body("status", equalTo(413));
  }

  @Test
  void aBatchKeepsItsGoodLinesAndReportsTheBadOnes() {
    String body =
        "{\"ip\":\"192.0.2.20\",\"username\":\"a@clinic.example\",\"outcome\":\"failure\"}\n"
            + "{not json}\n"
            + "{\"ip\":\"999.0.0.1\",\"username\":\"b@clinic.example\",\"outcome\":\"failure\"}\n"
            + "{\"username\":\"c@clinic.example\",\"outcome\":\"failure\"}\n"
            + "{\"ip\":\"2001:db8::20\",\"username\":\"d@clinic.example\",\"outcome\":\"success\"}\n";
    ndjson(body)
        .statusCode(200)
        .body("accepted", equalTo(2))
        .body("rejected", equalTo(3))
        .body("errors.line", equalTo(List.of(2, 3, 4)));
    ndjson("{nope}\n{\"ip\":\"1.2.3\"}\n").statusCode(400).contentType("application/problem+json");
  }
}
