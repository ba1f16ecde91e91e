package health.clinicalops.rollbackorchestrator;

import static health.clinicalops.rollbackorchestrator.ClusterFixtures.NAMESPACE;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.opskit.clients.RollbackAnswer;
import health.clinicalops.opskit.clients.RollbackRequest;
import health.clinicalops.rollbackorchestrator.ClusterFixtures.Rev;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Code-only rollbacks through the Kubernetes test server, with their guardrails. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
class CodeOnlyRollbackTest {

  static final String SERVICE = "Bearer test-service-token";
  static final String OPERATOR = "Bearer test-operator-token";
  static final AtomicInteger NAMES = new AtomicInteger();

  @Inject KubernetesClient client;
  @Inject ObjectMapper mapper;

  static String threeRevisions(KubernetesClient client, String s1, String s2, String s3) {
    String name = "web-" + NAMES.incrementAndGet();
    ClusterFixtures.deploymentWithRevisions(
        client,
        name,
        new Rev("registry/app:v1", true, s1),
        new Rev("registry/app:v2", true, s2),
        new Rev("registry/app:v3", false, s3));
    return name;
  }

  static String rollbackBody(String deployment, String extra) {
    return "{\"deployment\":\""
        + deployment
        + "\",\"reason\":\"error spike after v3\""
        + extra
        + "}";
  }

  @Test
  void revisionThreeBadRollsBackToTwoThenTheCooldownRefusesASecond() {
    String name = threeRevisions(client, "s1", "s1", "s1");
    int id =
        given()
            .header("Authorization", OPERATOR)
            .contentType(ContentType.JSON)
            .body(rollbackBody(name, ""))
            .post("/api/v1/rollbacks")
            .then()
            .statusCode(202)
            .header("Location", containsString("/api/v1/rollbacks/"))
            .body("fromRevision", equalTo(3))
            .body("toRevision", equalTo(2))
            .body("kind", equalTo("CODE_ONLY"))
            .extract()
            .path("id");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ClusterFixtures.image(client, name).equals("registry/app:v2"));
    assertEquals(
        null,
        client
            .apps()
            .deployments()
            .inNamespace(NAMESPACE)
            .withName(name)
            .get()
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getLabels()
            .get("pod-template-hash"));
    ClusterFixtures.completeRollout(client, name);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                given()
                    .header("Authorization", SERVICE)
                    .get("/api/v1/rollbacks/" + id)
                    .then()
                    .body("status", equalTo("SUCCEEDED")));
    given()
        .header("Authorization", SERVICE)
        .get("/api/v1/rollbacks/" + id)
        .then()
        .body("steps.name", hasItems("PLAN", "DEPLOY", "AWAIT_ROLLOUT", "VERIFY_HEALTH", "DONE"))
        .body("steps.find { it.name == 'DEPLOY' }.detail", containsString("registry/app:v2"))
        .body("incidentId", org.hamcrest.Matchers.notNullValue());

    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body(rollbackBody(name, ""))
        .post("/api/v1/rollbacks")
        .then()
        .statusCode(409)
        .body("detail", containsString("cooldown"));
  }

  @Test
  void aSchemaVersionMismatchRefusesACodeOnlyRollback() {
    String name = threeRevisions(client, "20260101_init", "20260101_init", "20260116_add_notes");
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body(rollbackBody(name, ""))
        .post("/api/v1/rollbacks")
        .then()
        .statusCode(409)
        .body("detail", containsString("schema version"));
    assertEquals("registry/app:v3", ClusterFixtures.image(client, name));
  }

  /** The body exactly as a service in {@code recommend} mode (error-watch) serializes it. */
  String recommendation(String deployment) throws JsonProcessingException {
    return mapper.writeValueAsString(
        RollbackRequest.codeOnly(deployment, 2L, "error spike after v3", true));
  }

  /** Recommends as error-watch does, and reads the answer as error-watch does (RollbackAnswer). */
  int recommend(String deployment) throws JsonProcessingException {
    String answer =
        given()
            .header("Authorization", SERVICE)
            .contentType(ContentType.JSON)
            .body(recommendation(deployment))
            .post("/api/v1/rollbacks")
            .then()
            .statusCode(202)
            .body("status", equalTo("AWAITING_APPROVAL"))
            .body("automatic", equalTo(true))
            .body("dryRun", equalTo(false))
            .body("toRevision", equalTo(2))
            .extract()
            .asString();
    RollbackAnswer kept = mapper.readValue(answer, RollbackAnswer.class);
    assertEquals("AWAITING_APPROVAL", kept.status());
    return Integer.parseInt(kept.id());
  }

  @Test
  void aServiceRecommendationWaitsForAPersonWhoCanApproveIt() throws Exception {
    String name = threeRevisions(client, "s1", "s1", "s1");
    int id = recommend(name);
    assertEquals("registry/app:v3", ClusterFixtures.image(client, name));

    given()
        .header("Authorization", SERVICE)
        .post("/api/v1/rollbacks/" + id + "/approve")
        .then()
        .statusCode(403);

    given()
        .header("Authorization", OPERATOR)
        .post("/api/v1/rollbacks/" + id + "/approve")
        .then()
        .statusCode(200)
        .body("status", equalTo("RUNNING"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ClusterFixtures.image(client, name).equals("registry/app:v2"));
    ClusterFixtures.completeRollout(client, name);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                given()
                    .header("Authorization", OPERATOR)
                    .get("/api/v1/rollbacks/" + id)
                    .then()
                    .body("status", equalTo("SUCCEEDED"))
                    .body("approvedBy", containsString("operator")));
  }

  @Test
  void approvalChecksAgainThatTheDeploymentHasNotMovedOn() throws Exception {
    String name = threeRevisions(client, "s1", "s1", "s1");
    int id = recommend(name);
    // A fix is deployed while the recommendation waits: revision 4 is current now.
    client
        .apps()
        .deployments()
        .inNamespace(NAMESPACE)
        .withName(name)
        .edit(
            d -> {
              d.getMetadata().getAnnotations().put("deployment.kubernetes.io/revision", "4");
              return d;
            });

    given()
        .header("Authorization", OPERATOR)
        .post("/api/v1/rollbacks/" + id + "/approve")
        .then()
        .statusCode(409)
        .contentType(containsString("application/problem+json"))
        .body("detail", containsString("is at revision 4 now, not 3"));
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/rollbacks/" + id)
        .then()
        .body("status", equalTo("AWAITING_APPROVAL"));
    assertEquals("registry/app:v3", ClusterFixtures.image(client, name), "nothing was rolled back");
  }

  @Test
  void dryRunsPlanWithoutChangingAnythingAndNeverGoPastTheOldestStable() {
    String name = "web-" + NAMES.incrementAndGet();
    ClusterFixtures.deploymentWithRevisions(
        client,
        name,
        new Rev("registry/app:v1", false, "s1"),
        new Rev("registry/app:v2", true, "s1"),
        new Rev("registry/app:v3", false, "s1"));
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body(rollbackBody(name, ",\"dryRun\":true"))
        .post("/api/v1/rollbacks")
        .then()
        .statusCode(202)
        .body("status", equalTo("PLANNED"))
        .body("toRevision", equalTo(2))
        .body("steps.detail", hasItem(containsString("registry/app:v2")));
    assertEquals("registry/app:v3", ClusterFixtures.image(client, name));

    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body(rollbackBody(name, ",\"toRevision\":1"))
        .post("/api/v1/rollbacks")
        .then()
        .statusCode(409)
        .body("detail", containsString("oldest stable"));

    given()
        .header("Authorization", SERVICE)
        .get("/api/v1/deployments/" + name + "/releases")
        .then()
        .statusCode(200)
        .body("revision", hasItems(1, 2, 3))
        .body("find { it.revision == 3 }.current", equalTo(true))
        .body("find { it.revision == 2 }.stable", equalTo(true));
  }

  @Test
  void badInputIsRefusedWithAProblem() {
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body(rollbackBody("rollback-orchestrator", ""))
        .post("/api/v1/rollbacks")
        .then()
        .statusCode(403)
        .contentType(containsString("application/problem+json"))
        .body("detail", containsString("is an ops service"));
    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body(rollbackBody("no-such-deployment", ""))
        .post("/api/v1/rollbacks")
        .then()
        .statusCode(404)
        .contentType(containsString("application/problem+json"));
    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body("{\"deployment\": [")
        .post("/api/v1/rollbacks")
        .then()
        .statusCode(400);
    given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body("{\"deployment\":\"web\"}")
        .post("/api/v1/rollbacks")
        .then()
        .statusCode(400);
    given().header("Authorization", SERVICE).get("/api/v1/rollbacks/424242").then().statusCode(404);
    given()
        .header("Authorization", SERVICE)
        .post("/api/v1/rollbacks/1/reject")
        .then()
        .statusCode(403);
    given()
        .contentType(ContentType.JSON)
        .body(rollbackBody("x", ""))
        .post("/api/v1/rollbacks")
        .then()
        .statusCode(401);
  }
}
