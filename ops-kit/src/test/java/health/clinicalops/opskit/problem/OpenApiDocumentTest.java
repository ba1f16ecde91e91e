package health.clinicalops.opskit.problem;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithKubernetesTestServer(crud = true)
class OpenApiDocumentTest {

  @Test
  void apiOperationsDocumentTheBearerSchemeAndTheirProblems() {
    given()
        .accept("application/json")
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("components.securitySchemes.bearer.scheme", equalTo("bearer"))
        .body("components.schemas.Problem.properties.status", notNullValue())
        .body(
            "paths.'/api/v1/things'.post.responses.'400'.content.'application/problem+json'.schema.'$ref'",
            equalTo("#/components/schemas/Problem"))
        .body("paths.'/api/v1/things'.post.responses.'401'", notNullValue());
  }
}
