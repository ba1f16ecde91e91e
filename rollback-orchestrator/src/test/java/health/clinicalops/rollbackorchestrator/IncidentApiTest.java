package health.clinicalops.rollbackorchestrator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The incident API the other four services call, and the operator's actions on it. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
class IncidentApiTest {

  static final String SERVICE = "Bearer test-service-token";
  static final String OPERATOR = "Bearer test-operator-token";

  static String report(String dedupKey, String severity, String extra) {
    return """
        {"dedupKey":"%s","runbook":"audit-log-failure","severity":"%s","title":"Audit writes failing",
         "evidence":{"kind":"audit-log-failure","spoolDepth":12},"source":"audit-keeper"%s}
        """
        .formatted(dedupKey, severity, extra);
  }

  static final String AUDIT_KEEPER = "Bearer audit-keeper.test-token-of-audit-keeper";
  static final String DB_SENTINEL = "Bearer db-sentinel.test-token-of-db-sentinel";

  /** A service with a token of its own cannot report in another service's name. */
  @Test
  void aServiceReportsOnlyAsItself() {
    String key = "impersonated-" + UUID.randomUUID();
    given()
        .header("Authorization", DB_SENTINEL)
        .contentType(ContentType.JSON)
        .body(report(key, "P3", ""))
        .post("/api/v1/incidents")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("detail", containsString("db-sentinel"));
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/incidents")
        .then()
        .statusCode(200)
        .body("dedupKey", not(hasItem(key)));
  }

  /**
   * Only the service that opened an incident, or a person, resolves it; every step says who
   * delivered it.
   */
  @Test
  void onlyTheOpenerOrAPersonResolves() {
    String key = "opened-by-audit-keeper-" + UUID.randomUUID();
    String id =
        given()
            .header("Authorization", AUDIT_KEEPER)
            .contentType(ContentType.JSON)
            .body(report(key, "P3", ""))
            .post("/api/v1/incidents")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    String resolveAsDbSentinel =
        report(key, "P3", ",\"resolved\":true,\"step\":{\"action\":\"resolved\"}")
            .replace("\"source\":\"audit-keeper\"", "\"source\":\"db-sentinel\"");
    given()
        .header("Authorization", DB_SENTINEL)
        .contentType(ContentType.JSON)
        .body(resolveAsDbSentinel)
        .post("/api/v1/incidents")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("detail", containsString("opened by audit-keeper"));
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/incidents/" + id)
        .then()
        .statusCode(200)
        .body("status", equalTo("OPEN"))
        .body("openedBy", equalTo("audit-keeper"))
        .body("timeline.action", not(hasItem("resolved")));

    given()
        .header("Authorization", AUDIT_KEEPER)
        .contentType(ContentType.JSON)
        .body(report(key, "P3", ",\"resolved\":true,\"step\":{\"action\":\"spool.drained\"}"))
        .post("/api/v1/incidents")
        .then()
        .statusCode(200);
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/incidents/" + id)
        .then()
        .statusCode(200)
        .body("status", equalTo("RESOLVED"))
        .body(
            "timeline.find { it.action == 'incident.opened' }.receivedFrom",
            equalTo("audit-keeper"))
        .body(
            "timeline.find { it.action == 'spool.drained' }.receivedFrom", equalTo("audit-keeper"))
        .body(
            "timeline.find { it.action == 'paged' }.receivedFrom",
            equalTo("rollback-orchestrator"));
  }

  @Test
  void aReportDeliveredTwiceIsAppliedOnceEvenAfterItResolvedTheIncident() {
    String key = "redelivered-" + UUID.randomUUID();
    String opened = report(key, "P3", ",\"reportId\":\"" + key + "-open\"");
    String id =
        given()
            .header("Authorization", SERVICE)
            .contentType(ContentType.JSON)
            .body(opened)
            .post("/api/v1/incidents")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    String resolved =
        report(
            key,
            "P3",
            ",\"resolved\":true,\"reportId\":\""
                + key
                + "-resolved\",\"step\":{\"action\":\"resolved\",\"detail\":\"writes ok\"}");
    for (String body : new String[] {resolved, opened, resolved}) {
      // The sender's outbox crashed after each delivery and sends it again.
      given()
          .header("Authorization", SERVICE)
          .contentType(ContentType.JSON)
          .body(body)
          .post("/api/v1/incidents")
          .then()
          .statusCode(200)
          .body("id", equalTo(id));
    }
    given()
        .header("Authorization", SERVICE)
        .get("/api/v1/incidents/" + id)
        .then()
        .statusCode(200)
        .body("status", equalTo("RESOLVED"))
        .body("timeline.findAll { it.action == 'resolved' }.size()", equalTo(1));
    given()
        .header("Authorization", OPERATOR)
        .queryParam("status", "open")
        .get("/api/v1/incidents")
        .then()
        .statusCode(200)
        .body("dedupKey", not(hasItem(key)));
  }

  @Test
  void theFirstReportOpensLaterOnesAppendToTheTimelineAndResolvedClosesIt() {
    String key = "audit-" + UUID.randomUUID();
    String id =
        given()
            .header("Authorization", SERVICE)
            .contentType(ContentType.JSON)
            .body(report(key, "P3", ""))
            .post("/api/v1/incidents")
            .then()
            .statusCode(201)
            .header("Location", containsString("/api/v1/incidents/"))
            .body("dedupKey", equalTo(key))
            .body("status", equalTo("open"))
            .extract()
            .path("id");

    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body(
            report(
                key,
                "P3",
                ",\"step\":{\"action\":\"spool.started\",\"detail\":\"spooling to disk\","
                    + "\"actor\":\"audit-keeper\",\"at\":\"2026-01-16T10:00:00Z\"}"))
        .post("/api/v1/incidents")
        .then()
        .statusCode(200)
        .body("id", equalTo(id));

    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body("{\"action\":\"called-neon-support\",\"detail\":\"ticket 42\"}")
        .post("/api/v1/incidents/" + id + "/steps")
        .then()
        .statusCode(200);

    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body(
            report(
                key,
                "P3",
                ",\"resolved\":true,\"step\":{\"action\":\"resolved\",\"detail\":\"writes ok\","
                    + "\"actor\":\"audit-keeper\"}"))
        .post("/api/v1/incidents")
        .then()
        .statusCode(200)
        .body("status", equalTo("resolved"));

    given()
        .header("Authorization", SERVICE)
        .get("/api/v1/incidents/" + id)
        .then()
        .statusCode(200)
        .body("status", equalTo("RESOLVED"))
        .body("evidence.spoolDepth", equalTo(12))
        .body("timeline.action", hasItem("incident.opened"))
        .body("timeline.action", hasItem("spool.started"))
        .body("timeline.find { it.action == 'spool.started' }.at", equalTo("2026-01-16T10:00:00Z"))
        .body("timeline.find { it.action == 'spool.started' }.kind", equalTo("AUTOMATED"))
        .body("timeline.find { it.action == 'called-neon-support' }.kind", equalTo("MANUAL"))
        .body("timeline.action", hasItem("incident.resolved"))
        .body("pages.contact", hasItem("product-team"));

    // The key is free again: the next report opens a new incident.
    String next =
        given()
            .header("Authorization", SERVICE)
            .contentType(ContentType.JSON)
            .body(report(key, "P3", ""))
            .post("/api/v1/incidents")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    assertNotEquals(id, next);

    given()
        .header("Authorization", OPERATOR)
        .queryParam("status", "closed")
        .queryParam("runbook", "audit-log-failure")
        .get("/api/v1/incidents")
        .then()
        .statusCode(200)
        .body("id", hasItem(Integer.valueOf(id)))
        .body("id", not(hasItem(Integer.valueOf(next))));
    given()
        .header("Authorization", OPERATOR)
        .queryParam("status", "open")
        .queryParam("severity", "P3")
        .get("/api/v1/incidents")
        .then()
        .statusCode(200)
        .body("id", hasItem(Integer.valueOf(next)));
  }

  @Test
  void badInputIsAProblemNotAnError() {
    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body("{\"dedupKey\": ")
        .post("/api/v1/incidents")
        .then()
        .statusCode(400)
        .contentType(containsString("application/problem+json"));
    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body("{\"dedupKey\":\"x\",\"severity\":\"P1\"}")
        .post("/api/v1/incidents")
        .then()
        .statusCode(400)
        .body("detail", containsString("runbook"));
    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body(report("bad-sev", "P9", ""))
        .post("/api/v1/incidents")
        .then()
        .statusCode(400);
    given()
        .header("Authorization", SERVICE)
        .get("/api/v1/incidents/987654321")
        .then()
        .statusCode(404);
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body("{\"detail\":\"x\"}")
        .post("/api/v1/incidents/1/steps")
        .then()
        .statusCode(400);
  }

  @Test
  void evidenceMustBeTheRecordOfTheReportsRunbookAndNothingIsStoredOtherwise() {
    String untyped = "untyped-" + UUID.randomUUID();
    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body(report(untyped, "P2", "").replace("\"kind\":\"audit-log-failure\",", ""))
        .post("/api/v1/incidents")
        .then()
        .statusCode(400)
        .contentType(containsString("application/problem+json"));
    String mismatched = "mismatched-" + UUID.randomUUID();
    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body(
            report(mismatched, "P2", "")
                .replace("audit-log-failure\",\"spoolDepth", "error-rate-spike\",\"spoolDepth"))
        .post("/api/v1/incidents")
        .then()
        .statusCode(400)
        .contentType(containsString("application/problem+json"))
        .body("detail", containsString("does not belong to runbook audit-log-failure"));
    for (String key : new String[] {untyped, mismatched}) {
      given()
          .header("Authorization", OPERATOR)
          .queryParam("limit", 1000)
          .get("/api/v1/incidents")
          .then()
          .statusCode(200)
          .body("dedupKey", not(hasItem(key)));
    }
  }

  @Test
  void aLaterReportReplacesTheFieldsItCarriesAndKeepsTheOthers() {
    String key = "merged-" + UUID.randomUUID();
    String id =
        given()
            .header("Authorization", SERVICE)
            .contentType(ContentType.JSON)
            .body(report(key, "P3", ""))
            .post("/api/v1/incidents")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body(report(key, "P3", "").replace("\"spoolDepth\":12", "\"spooledEvents\":30"))
        .post("/api/v1/incidents")
        .then()
        .statusCode(200);
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/incidents/" + id)
        .then()
        .statusCode(200)
        .body("evidence.kind", equalTo("audit-log-failure"))
        .body("evidence.spoolDepth", equalTo(12))
        .body("evidence.spooledEvents", equalTo(30));
  }

  @Test
  void operatorEndpointsRefuseServicesAndStrangers() {
    for (String path : new String[] {"steps", "acknowledge", "resolve"}) {
      given()
          .header("Authorization", SERVICE)
          .contentType(ContentType.JSON)
          .body("{\"action\":\"x\"}")
          .post("/api/v1/incidents/1/" + path)
          .then()
          .statusCode(403);
      given()
          .contentType(ContentType.JSON)
          .body("{\"action\":\"x\"}")
          .post("/api/v1/incidents/1/" + path)
          .then()
          .statusCode(401);
    }
    given().get("/api/v1/incidents").then().statusCode(401);
  }
}
