package health.clinicalops.rollbackorchestrator;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.InjectPostgres;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Escalation by severity through a real webhook receiver; the P1 deadline is 3 s in tests and the
 * last level is not re-paged ({@code max-repages=0}), so every count below is exact.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
class EscalationTest {

  static final String SERVICE = "Bearer test-service-token";
  static final String OPERATOR = "Bearer test-operator-token";

  @InjectPostgres EmbeddedPostgresServer postgres;

  static String open(String severity, String evidence) {
    return open(severity, evidence, false);
  }

  static String open(String severity, String evidence, boolean suspectedDataBreach) {
    return given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body(
            """
            {"dedupKey":"%s","runbook":"authentication-abuse","severity":"%s",
             "title":"Credential stuffing","evidence":%s,"suspectedDataBreach":%s,
             "source":"auth-guard"}
            """
                .formatted("abuse-" + UUID.randomUUID(), severity, evidence, suspectedDataBreach))
        .post("/api/v1/incidents")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  @Test
  void aP1PagesSecurityOnceThenTheCtoOnceWhenUnacknowledged() {
    String id = open("P1", "{\"kind\":\"authentication-abuse\",\"failures\":400}");
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> WebhookReceiverResource.count("security-team", id) == 1);
    // Slack-compatible body for the security team.
    assertTrue(
        WebhookReceiverResource.RECEIVED.stream()
            .filter(r -> r.contact().equals("security-team"))
            .anyMatch(r -> r.body().path("text").asText().contains("Credential stuffing")));
    assertEquals(0, WebhookReceiverResource.count("cto", id));

    await()
        .atMost(Duration.ofSeconds(8))
        .until(() -> WebhookReceiverResource.count("cto", id) == 1);
    // Nothing more: the levels are exhausted and nobody is paged twice.
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(6))
        .until(
            () ->
                WebhookReceiverResource.count("cto", id) == 1
                    && WebhookReceiverResource.count("security-team", id) == 1);
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/incidents/" + id)
        .then()
        .body("escalationLevel", equalTo(1))
        .body("pages.size()", equalTo(2))
        .body("pages[1].contact", equalTo("cto"))
        .body("pages[1].status", equalTo("SENT"));
  }

  @Test
  void anAcknowledgedP1StopsEscalating() {
    String id = open("P1", "{\"kind\":\"authentication-abuse\"}");
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> WebhookReceiverResource.count("security-team", id) == 1);
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body("{\"note\":\"on it\"}")
        .post("/api/v1/incidents/" + id + "/acknowledge")
        .then()
        .statusCode(200)
        .body("status", equalTo("ACKNOWLEDGED"));
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(7))
        .until(() -> WebhookReceiverResource.count("cto", id) == 0);
  }

  /**
   * The state a process leaves behind when it dies after paging security and before the deadline
   * (written straight into the database, as that process would have): the next poll, by whichever
   * process runs then, escalates exactly once and does not page security again.
   */
  @Test
  void aPersistedTimerSurvivesTheProcessThatSetIt() throws Exception {
    String key = "left-behind-" + UUID.randomUUID();
    long id;
    try (var c = postgres.connect("orchestrator");
        var s = c.createStatement()) {
      var rs =
          s.executeQuery(
              "INSERT INTO rollback_orchestrator.incident (dedup_key, runbook, severity, title,"
                  + " source, status, evidence, opened_at, updated_at, escalation_level,"
                  + " escalation_due_at) VALUES ('"
                  + key
                  + "', 'authentication-abuse', 'P1', 'left behind', 'auth-guard', 'OPEN', '{}',"
                  + " now() - interval '20 seconds', now() - interval '20 seconds', 0,"
                  + " now() - interval '1 second') RETURNING id");
      rs.next();
      id = rs.getLong(1);
      s.execute(
          "INSERT INTO rollback_orchestrator.page (incident_id, escalation_level, contact, reason,"
              + " status, attempts, created_at, next_attempt_at, sent_at) VALUES ("
              + id
              + ", 0, 'security-team', 'escalation-level-0', 'SENT', 1, now(), now(), now())");
    }
    String incidentId = String.valueOf(id);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> WebhookReceiverResource.count("cto", incidentId) == 1);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(
            () ->
                WebhookReceiverResource.count("cto", incidentId) == 1
                    && WebhookReceiverResource.count("security-team", incidentId) == 0);
  }

  @Test
  void aSuspectedBreachPagesTheBreachContactsAndAFailingWebhookIsRetried() {
    WebhookReceiverResource.FAIL_NEXT.set(2);
    String id = open("P2", "{\"kind\":\"authentication-abuse\"}", true);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                WebhookReceiverResource.count("breach-contacts", id) == 1
                    && WebhookReceiverResource.count("on-call-engineer", id) == 1);
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/incidents/" + id)
        .then()
        .body("breachSuspected", equalTo(true))
        .body("pages.findAll { it.attempts > 1 }.size()", org.hamcrest.Matchers.greaterThan(0));
  }
}
