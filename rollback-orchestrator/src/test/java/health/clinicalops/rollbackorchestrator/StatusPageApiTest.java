package health.clinicalops.rollbackorchestrator;

import static health.clinicalops.rollbackorchestrator.StatusFixtures.OPERATOR;
import static health.clinicalops.rollbackorchestrator.StatusFixtures.SECRET_IP;
import static health.clinicalops.rollbackorchestrator.StatusFixtures.SECRET_USER;
import static health.clinicalops.rollbackorchestrator.StatusFixtures.SERVICE;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The public outputs: the documented JSON shape of hosted status pages, the state derived from
 * incidents and the ops-state mode, and no internal evidence in any public response.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
@WithTestResource(value = SmtpTestResource.class, scope = TestResourceScope.GLOBAL)
class StatusPageApiTest {

  static final Set<String> INDICATORS = Set.of("none", "minor", "major", "critical");
  static final Set<String> COMPONENT_STATES =
      Set.of(
          "operational",
          "degraded_performance",
          "partial_outage",
          "major_outage",
          "under_maintenance");
  static final Set<String> INCIDENT_STATES =
      Set.of("investigating", "identified", "monitoring", "resolved", "postmortem");
  static final Set<String> IMPACTS = Set.of("none", "minor", "major", "critical", "maintenance");

  @BeforeEach
  void cleanSlate() {
    StatusFixtures.cleanSlate();
  }

  @Inject MeterRegistry registry;

  double statusBuilds() {
    return registry.counter("clinicalops_rollback_orchestrator_status_builds_total").count();
  }

  /**
   * Anonymous requests never reach the database one by one: the status is built once per change (at
   * most once more when status-page.cache-ttl runs out during the loop), and a change shows at the
   * next request.
   */
  @Test
  void anonymousVisitorsAreServedFromOneBuildPerChange() {
    assertOperational();
    double before = statusBuilds();
    for (int i = 0; i < 50; i++) {
      json("/api/v2/summary.json");
      given().get("/status").then().statusCode(200);
    }
    double afterLoop = statusBuilds();
    assertThat(afterLoop - before).as("builds for 100 requests").isLessThanOrEqualTo(1);

    StatusFixtures.openWithSecrets("authentication-abuse", "P1");
    assertEquals("major", json("/api/v2/status.json").getString("status.indicator"));
    assertThat(statusBuilds() - afterLoop).as("the change was built once").isEqualTo(1);
  }

  @Test
  void statusJsonAndSummaryJsonHaveTheDocumentedShape() {
    assertOperational();
    String id = StatusFixtures.openWithSecrets("authentication-abuse", "P1");
    StatusFixtures.publicUpdate(id, "identified", "Some people cannot sign in. We know why.");

    JsonPath status = json("/api/v2/status.json");
    assertPage(status);
    assertEquals("major", status.getString("status.indicator"));
    assertEquals("Partial System Outage", status.getString("status.description"));
    assertEquals(Set.of("page", "status"), status.getMap("$").keySet());

    JsonPath summary = json("/api/v2/summary.json");
    assertPage(summary);
    assertTrue(INDICATORS.contains(summary.getString("status.indicator")));
    List<Map<String, Object>> components = summary.getList("components");
    assertEquals(3, components.size(), "default components: sign-in, clinical notes, audit");
    for (Map<String, Object> c : components) {
      for (String field : List.of("id", "name", "status", "created_at", "updated_at", "position")) {
        assertNotNull(c.get(field), field + " of " + c);
      }
      assertTrue(COMPONENT_STATES.contains(c.get("status")), "status " + c.get("status"));
      assertTimestamp(c.get("updated_at"));
    }
    assertEquals("partial_outage", componentStatus(summary, "sign-in"));
    assertEquals("operational", componentStatus(summary, "audit"));

    List<Map<String, Object>> incidents = summary.getList("incidents");
    Map<String, Object> incident =
        incidents.stream().filter(i -> id.equals(i.get("id"))).findFirst().orElseThrow();
    for (String field :
        List.of("id", "name", "status", "created_at", "updated_at", "impact", "shortlink")) {
      assertNotNull(incident.get(field), field);
    }
    assertTrue(INCIDENT_STATES.contains(incident.get("status")));
    assertEquals("identified", incident.get("status"));
    assertTrue(IMPACTS.contains(incident.get("impact")));
    assertEquals("major", incident.get("impact"));
    assertTimestamp(incident.get("created_at"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> updates =
        (List<Map<String, Object>>) incident.get("incident_updates");
    assertEquals(2, updates.size(), "the neutral opening update and the operator's");
    assertEquals("Some people cannot sign in. We know why.", updates.get(0).get("body"));
    for (Map<String, Object> u : updates) {
      assertTrue(INCIDENT_STATES.contains(u.get("status")));
      assertNotNull(u.get("id"));
      assertTimestamp(u.get("created_at"));
    }
    assertTrue(summary.getList("scheduled_maintenances").isEmpty());

    StatusFixtures.resolve(id, "Sign-in works again for everyone.");
    JsonPath after = json("/api/v2/summary.json");
    assertEquals("none", after.getString("status.indicator"));
    assertEquals("All Systems Operational", after.getString("status.description"));
    assertFalse(after.getList("incidents.id").contains(id), "resolved incidents leave the list");
  }

  @Test
  void severitiesAndTheOpsStateModeDecideTheStates() {
    String p0 = StatusFixtures.openWithSecrets("database-connectivity-loss", "P0");
    JsonPath summary = json("/api/v2/summary.json");
    assertEquals("critical", summary.getString("status.indicator"));
    assertEquals("major_outage", componentStatus(summary, "clinical-notes"));
    assertEquals("major_outage", componentStatus(summary, "audit"));
    StatusFixtures.resolve(p0, null);

    String p2 = StatusFixtures.openWithSecrets("audit-log-failure", "P2");
    summary = json("/api/v2/summary.json");
    assertEquals("minor", summary.getString("status.indicator"));
    assertEquals("degraded_performance", componentStatus(summary, "audit"));
    assertEquals("operational", componentStatus(summary, "sign-in"));
    StatusFixtures.resolve(p2, null);

    StatusFixtures.setMode("read-only");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                "partial_outage".equals(componentStatus(json("/api/v2/summary.json"), "sign-in")));
    assertEquals("major", json("/api/v2/status.json").getString("status.indicator"));
    given()
        .get("/status")
        .then()
        .statusCode(200)
        .body(containsString("saving changes is paused"))
        .body(containsString("Partial outage"));

    StatusFixtures.setMode("maintenance");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                json("/api/v2/summary.json").getList("components.status").stream()
                    .allMatch("under_maintenance"::equals));
    assertEquals(
        "Service Under Maintenance", json("/api/v2/status.json").getString("status.description"));
    given().get("/status").then().body(containsString("Under maintenance"));

    StatusFixtures.setMode("normal");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(this::assertOperational);
  }

  @Test
  void noInternalEvidenceReachesAnyPublicResponse() {
    String open = StatusFixtures.openWithSecrets("authentication-abuse", "P1");
    String resolved = StatusFixtures.openWithSecrets("error-rate-spike", "P2");
    StatusFixtures.publicUpdate(resolved, "monitoring", "A fix is out; we are watching it.");
    StatusFixtures.resolve(resolved, "Resolved: error rates are back to normal.");

    Map<String, String> responses = new LinkedHashMap<>();
    responses.put("/status", given().get("/status").then().statusCode(200).extract().asString());
    responses.put(
        "/api/v2/status.json",
        given().get("/api/v2/status.json").then().statusCode(200).extract().asString());
    responses.put(
        "/api/v2/summary.json",
        given().get("/api/v2/summary.json").then().statusCode(200).extract().asString());
    responses.put(
        "/status/feed.atom",
        given()
            .get("/status/feed.atom")
            .then()
            .statusCode(200)
            .contentType(startsWith("application/atom+xml"))
            .extract()
            .asString());
    responses.put(
        "/api/v2/incidents.atom",
        given().get("/api/v2/incidents.atom").then().statusCode(200).extract().asString());
    responses.put(
        "POST /status/subscriptions",
        given()
            .contentType(ContentType.URLENC)
            .formParam("email", "leak-check@example.org")
            .post("/status/subscriptions")
            .then()
            .statusCode(200)
            .extract()
            .asString());
    responses.put(
        "POST /status/subscriptions (bad)",
        given()
            .contentType(ContentType.URLENC)
            .formParam("email", "not-an-address")
            .post("/status/subscriptions")
            .then()
            .statusCode(400)
            .extract()
            .asString());
    responses.put(
        "/status/subscriptions/confirm (unknown)",
        given()
            .get("/status/subscriptions/confirm?token=nope")
            .then()
            .statusCode(404)
            .extract()
            .asString());
    responses.put(
        "/status/subscriptions/unsubscribe (unknown)",
        given()
            .get("/status/subscriptions/unsubscribe?token=nope")
            .then()
            .statusCode(404)
            .extract()
            .asString());

    // The incidents are there (in public words), their evidence is not.
    assertTrue(responses.get("/api/v2/summary.json").contains("\"id\":\"" + open + "\""));
    assertTrue(responses.get("/status/feed.atom").contains("A fix is out; we are watching it."));
    assertTrue(responses.get("/status").contains("Resolved: error rates are back to normal."));
    responses.forEach(
        (what, body) -> {
          assertFalse(body.contains(SECRET_IP), what + " shows the IP address");
          assertFalse(body.contains(SECRET_USER), what + " shows the username");
          assertFalse(body.contains("Credential stuffing"), what + " shows the internal title");
        });
    // The internal API still has it all (for operators).
    given()
        .header("Authorization", SERVICE)
        .get("/api/v1/incidents/" + open)
        .then()
        .body("evidence.ip", equalTo(SECRET_IP));
  }

  @Test
  void theFeedIsAtomWithOneEntryPerPublicUpdate() {
    String id = StatusFixtures.openWithSecrets("rate-limit-overwhelmed", "P3");
    StatusFixtures.publicUpdate(id, "identified", "Busy hour: some requests are slowed down.");
    StatusFixtures.resolve(id, null);
    String feed = given().get("/status/feed.atom").then().statusCode(200).extract().asString();
    assertTrue(feed.startsWith("<?xml"));
    assertTrue(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    String prefix = ":incident:" + id + ":update:";
    assertEquals(3, feed.split(prefix, -1).length - 1, "opened, operator's, resolved:\n" + feed);
    assertTrue(feed.contains("Busy hour: some requests are slowed down."));
    assertTrue(feed.contains("(Resolved)"));
  }

  @Test
  void operatorEndpointsNeedAnOperator() {
    String id = StatusFixtures.openWithSecrets("audit-log-failure", "P2");
    for (String path : List.of("/report")) {
      given().get("/api/v1/incidents/" + id + path).then().statusCode(401);
      given()
          .header("Authorization", SERVICE)
          .get("/api/v1/incidents/" + id + path)
          .then()
          .statusCode(403);
    }
    String update = "{\"status\":\"identified\",\"message\":\"x\"}";
    given()
        .contentType(ContentType.JSON)
        .body(update)
        .post("/api/v1/incidents/" + id + "/public-updates")
        .then()
        .statusCode(401);
    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body(update)
        .post("/api/v1/incidents/" + id + "/public-updates")
        .then()
        .statusCode(403);
    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body("{\"rootCause\":\"x\"}")
        .put("/api/v1/incidents/" + id + "/postmortem")
        .then()
        .statusCode(403);
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body("{\"status\":\"fixed-it\",\"message\":\"x\"}")
        .post("/api/v1/incidents/" + id + "/public-updates")
        .then()
        .statusCode(400)
        .contentType(containsString("application/problem+json"));
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/incidents/999999/report")
        .then()
        .statusCode(404);
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/incidents")
        .then()
        .body("id", hasItem(Integer.valueOf(id)));
  }

  void assertOperational() {
    JsonPath status = json("/api/v2/status.json");
    assertEquals("none", status.getString("status.indicator"));
    assertEquals("All Systems Operational", status.getString("status.description"));
  }

  static JsonPath json(String path) {
    return given()
        .get(path)
        .then()
        .statusCode(200)
        .contentType(ContentType.JSON)
        .extract()
        .jsonPath();
  }

  static String componentStatus(JsonPath summary, String id) {
    return summary.getString("components.find { it.id == '" + id + "' }.status");
  }

  static void assertPage(JsonPath doc) {
    assertEquals("clinical-ops", doc.getString("page.id"));
    assertEquals("Clinical OS", doc.getString("page.name"));
    assertEquals("http://localhost:18085/status", doc.getString("page.url"));
    assertTimestamp(doc.getString("page.updated_at"));
  }

  static void assertTimestamp(Object value) {
    assertNotNull(value);
    Instant.parse(value.toString());
  }
}
