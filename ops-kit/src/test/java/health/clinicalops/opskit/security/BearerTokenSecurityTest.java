package health.clinicalops.opskit.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithKubernetesTestServer(crud = true)
class BearerTokenSecurityTest {

  @Test
  void noTokenIsUnauthorizedWithAProblemAndAChallenge() {
    given()
        .get("/api/v1/things/x")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .header("WWW-Authenticate", containsString("Bearer"))
        .body("status", equalTo(401))
        .body("title", equalTo("Unauthenticated"));
  }

  @Test
  void anUnknownTokenIsUnauthorized() {
    given()
        .auth()
        .oauth2("test-service-tokeN")
        .get("/api/v1/things/x")
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
  }

  @Test
  void aServiceTokenOnAnOperatorEndpointIsForbidden() {
    given()
        .auth()
        .oauth2("test-service-token")
        .post("/api/v1/things/x/destroy")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("status", equalTo(403));
  }

  /** The app's token is good only where an endpoint names the app role. */
  @Test
  void theAppTokenIsForbiddenOnServiceEndpoints() {
    given()
        .auth()
        .oauth2("test-app-token")
        .contentType(ContentType.JSON)
        .body("{\"name\":\"kettle\",\"size\":3}")
        .post("/api/v1/things")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
  }

  @Test
  void rolesGrantTheirEndpoints() {
    given()
        .auth()
        .oauth2("second-service-token")
        .contentType(ContentType.JSON)
        .body("{\"name\":\"kettle\",\"size\":3}")
        .post("/api/v1/things")
        .then()
        .statusCode(201)
        .header("Location", containsString("/api/v1/things/kettle"));
    given()
        .auth()
        .oauth2("test-operator-token")
        .post("/api/v1/things/kettle/destroy")
        .then()
        .statusCode(204);
  }

  @Test
  void healthAndMetricsAreOpenEvenWithABadToken() {
    given().get("/q/health/live").then().statusCode(200);
    given().auth().oauth2("nonsense").get("/q/health/live").then().statusCode(200);
    given().get("/q/metrics").then().statusCode(200);
  }

  @Test
  void theTokenRegistryNamesCallersWithoutTheirTokens() {
    TokenRegistry registry =
        new TokenRegistry(
            new SecurityConfig() {
              @Override
              public java.util.Optional<java.util.List<String>> appTokens() {
                return java.util.Optional.of(java.util.List.of("app-s3cret"));
              }

              @Override
              public java.util.Optional<java.util.List<String>> serviceTokens() {
                return java.util.Optional.of(java.util.List.of("s3cret"));
              }

              @Override
              public java.util.Optional<java.util.List<String>> operatorTokens() {
                return java.util.Optional.empty();
              }

              @Override
              public java.util.Optional<String> outboundToken() {
                return java.util.Optional.empty();
              }
            });
    var caller = registry.identify("s3cret").orElseThrow();
    org.junit.jupiter.api.Assertions.assertEquals(Roles.SERVICE, caller.role());
    org.junit.jupiter.api.Assertions.assertEquals(
        Roles.APP, registry.identify("app-s3cret").orElseThrow().role());
    org.junit.jupiter.api.Assertions.assertFalse(caller.name().contains("s3cret"));
    org.junit.jupiter.api.Assertions.assertTrue(registry.identify("s3cre").isEmpty());
    org.junit.jupiter.api.Assertions.assertTrue(registry.identify("").isEmpty());
  }
}
