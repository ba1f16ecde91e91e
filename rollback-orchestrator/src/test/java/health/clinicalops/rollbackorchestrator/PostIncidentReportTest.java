package health.clinicalops.rollbackorchestrator;

import static health.clinicalops.rollbackorchestrator.StatusFixtures.OPERATOR;
import static health.clinicalops.rollbackorchestrator.StatusFixtures.SERVICE;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.clinicalops.testing.TestClock;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The post-incident report: Markdown, timeline with actors, budgets, postmortem, compliance. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
@WithTestResource(value = SmtpTestResource.class, scope = TestResourceScope.GLOBAL)
class PostIncidentReportTest {

  @AfterEach
  void resetClock() {
    TestClock.reset();
  }

  static String report(String key, String runbook, String severity, String evidence, String extra) {
    return """
        {"dedupKey":"%s","runbook":"%s","severity":"%s","title":"Audit Log Failure: spooling",
         "evidence":%s,"source":"audit-keeper"%s}
        """
        .formatted(key, runbook, severity, evidence, extra);
  }

  @Test
  void anAuditIncidentReportsTimelineBudgetsPostmortemAndTheComplianceExport() {
    String key = "audit-keeper/spooling/" + UUID.randomUUID();
    String id =
        given()
            .header("Authorization", SERVICE)
            .contentType(ContentType.JSON)
            .body(
                report(
                    key,
                    "audit-log-failure",
                    "P2",
                    "{\"kind\":\"audit-log-failure\",\"cause\":\"permission denied\",\"spoolDepth\":3}",
                    ",\"step\":{\"action\":\"audit-keeper.spooling.started\","
                        + "\"detail\":\"events are fsync'd to the local spool\"}"))
            .post("/api/v1/incidents")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body("{\"note\":\"looking at the grants\"}")
        .post("/api/v1/incidents/" + id + "/acknowledge")
        .then()
        .statusCode(200);
    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body(
            report(
                key,
                "audit-log-failure",
                "P2",
                "{\"kind\":\"audit-log-failure\",\"spooledEvents\":42}",
                ",\"resolved\":true,\"step\":{\"action\":\"resolved\",\"detail\":\"spool drained:"
                    + " 42 spooled events replayed\"}"))
        .post("/api/v1/incidents")
        .then()
        .statusCode(200);
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body(
            """
            {"rootCause":"A migration revoked INSERT on \\"AuditLog\\" from the app's role.",
             "followUps":["Check grants in the migration pipeline","Alert on 42501 at once"]}
            """)
        .put("/api/v1/incidents/" + id + "/postmortem")
        .then()
        .statusCode(200);

    String md =
        given()
            .header("Authorization", OPERATOR)
            .get("/api/v1/incidents/" + id + "/report")
            .then()
            .statusCode(200)
            .contentType(startsWith("text/markdown"))
            .extract()
            .asString();
    for (String expected :
        new String[] {
          "# Post-incident report: incident " + id,
          "## Summary",
          "| Severity | P2 |",
          "| Runbook | audit-log-failure |",
          "| Status | RESOLVED |",
          "## Timeline",
          "| audit-keeper.spooling.started | audit-keeper | system |",
          "| incident.acknowledged | operator",
          "| person | looking at the grants |",
          "| 1. Check Database Write Permissions | 2 min | 2 min |",
          "| 2. Verify AuditLog Table | 1 min | 3 min |",
          "Time to detect",
          "| Time to first response (`audit-keeper.spooling.started`) |",
          "| Check Database Write Permissions (2 min) | within budget |",
          "Time to mitigate",
          "| Time to resolve |",
          "## Root cause",
          "A migration revoked INSERT on \"AuditLog\" from the app's role.",
          "## Follow-ups",
          "- [ ] Check grants in the migration pipeline",
          "- [ ] Alert on 42501 at once",
          "## Compliance export (audit log failure)",
          "| Cause | permission denied |",
          "| Events in the spool when the incident opened | 3 |",
          "| Spooled events replayed into \"AuditLog\" | 42 |",
        }) {
      assertTrue(md.contains(expected), "missing «" + expected + "» in:\n" + md);
    }
  }

  @Test
  void aSlowResolutionIsOverTheRunbooksBudgetAndTheOtherSectionsWaitForAnOperator() {
    String id = StatusFixtures.openWithSecrets("authentication-abuse", "P1");
    TestClock.advance(Duration.ofMinutes(25));
    StatusFixtures.resolve(id, null);
    String md =
        given()
            .header("Authorization", OPERATOR)
            .get("/api/v1/incidents/" + id + "/report")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    for (String expected :
        new String[] {
          "| 1. Identify Source | 2 min | 2 min |",
          "| 4. Investigate Pattern | 5 min | 10 min |",
          "| Identify Source (2 min) | within budget |",
          "| Time to resolve | 25 min",
          "| all timed steps (10 min) | over budget by 15 min",
          "_Not written yet: `PUT /api/v1/incidents/" + id + "/postmortem`._",
          "_None recorded yet._",
        }) {
      assertTrue(md.contains(expected), "missing «" + expected + "» in:\n" + md);
    }
    assertTrue(!md.contains("Compliance export"), "only audit incidents have one");
  }

  @Test
  void textFromTheIncidentCannotInjectHtmlOrBreakTheTables() {
    String key = "audit-keeper/spooling/" + UUID.randomUUID();
    String id =
        given()
            .header("Authorization", SERVICE)
            .contentType(ContentType.JSON)
            .body(
                """
                {"dedupKey":"%s","runbook":"audit-log-failure","severity":"P2",
                 "title":"<script>alert(1)</script> | forged | cells",
                 "evidence":{"kind":"audit-log-failure","cause":"<img src=x onerror=alert(2)>\\nsecond line"},
                 "source":"audit-keeper",
                 "step":{"action":"spooling","detail":"a & b <b>bold</b>"}}
                """
                    .formatted(key))
            .post("/api/v1/incidents")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body("{\"followUps\":[\"<iframe src=//evil.example>\"]}")
        .put("/api/v1/incidents/" + id + "/postmortem")
        .then()
        .statusCode(200);

    String md =
        given()
            .header("Authorization", OPERATOR)
            .get("/api/v1/incidents/" + id + "/report")
            .then()
            .statusCode(200)
            .extract()
            .asString();

    for (String injected : new String[] {"<script", "<img", "<b>", "<iframe", "| forged |"}) {
      assertFalse(md.contains(injected), "«" + injected + "» reached the report:\n" + md);
    }
    for (String expected :
        new String[] {
          "| Title | &lt;script&gt;alert(1)&lt;/script&gt; \\| forged \\| cells |",
          "| Cause | &lt;img src=x onerror=alert(2)&gt;<br>second line |",
          "| a &amp; b &lt;b&gt;bold&lt;/b&gt; |",
          "- [ ] &lt;iframe src=//evil.example&gt;",
        }) {
      assertTrue(md.contains(expected), "missing «" + expected + "» in:\n" + md);
    }
  }
}
