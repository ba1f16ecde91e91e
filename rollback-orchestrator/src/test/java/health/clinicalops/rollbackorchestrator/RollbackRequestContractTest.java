package health.clinicalops.rollbackorchestrator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import health.clinicalops.opskit.clients.OutboundCalls;
import health.clinicalops.opskit.clients.RollbackAnswer;
import health.clinicalops.opskit.clients.RollbackRequest;
import health.clinicalops.rollbackorchestrator.ClusterFixtures.Rev;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@code POST /api/v1/rollbacks} with its one sender, error-watch: the request
 * built as error-watch builds it ({@link RollbackRequest#codeOnly}) and sent by its client
 * (ops-kit's {@link OutboundCalls}, over HTTP) is accepted by the real resource with the revision
 * as a number, and the answer reads back into {@link RollbackAnswer}; a refusal reaches the sender
 * as the orchestrator's status.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
class RollbackRequestContractTest {

  static final String OPERATOR = "Bearer test-operator-token";

  @Inject OutboundCalls sender;
  @Inject KubernetesClient client;

  @Test
  void aRecommendationFromErrorWatchIsStoredWithItsRevisionAndAnswered() {
    String name = CodeOnlyRollbackTest.threeRevisions(client, "s1", "s1", "s1");

    RollbackAnswer answer =
        sender.requestRollback(
            RollbackRequest.codeOnly(
                name, 2L, "error-watch: error ratio 12.0% after deploy", true));

    assertThat(answer.status()).isEqualTo("AWAITING_APPROVAL");
    assertThat(answer.id()).matches("\\d+");
    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/rollbacks/" + answer.id())
        .then()
        .statusCode(200)
        .body("deployment", equalTo(name))
        .body("toRevision", equalTo(2))
        .body("fromRevision", equalTo(3));
  }

  @Test
  void aRefusalReachesTheSenderAsTheOrchestratorsStatus() {
    assertThatThrownBy(
            () ->
                sender.requestRollback(
                    RollbackRequest.codeOnly("rollback-orchestrator", null, "error spike", true)))
        .isInstanceOfSatisfying(
            WebApplicationException.class,
            e -> assertThat(e.getResponse().getStatus()).isEqualTo(403));
  }

  @Test
  void noRevisionMeansTheLastStableOne() {
    String name = "contract-" + CodeOnlyRollbackTest.NAMES.incrementAndGet();
    ClusterFixtures.deploymentWithRevisions(
        client,
        name,
        new Rev("registry/app:v1", true, "s1"),
        new Rev("registry/app:v2", false, "s1"),
        new Rev("registry/app:v3", false, "s1"));

    RollbackAnswer answer =
        sender.requestRollback(RollbackRequest.codeOnly(name, null, "error spike", true));

    given()
        .header("Authorization", OPERATOR)
        .get("/api/v1/rollbacks/" + answer.id())
        .then()
        .statusCode(200)
        .body("toRevision", equalTo(1));
  }
}
