package health.clinicalops.opskit.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Optional;
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
    // SHA-256 of "people-only": the registry knows that token without holding it.
    TokenRegistry registry =
        new TokenRegistry(
            tokens(
                List.of("app-s3cret"),
                List.of("s3cret"),
                List.of("EFAE2999505AAE8D213E067AE52BCC56AE63C54DAB9134B35EFA40BFE3DB083B")));
    TokenRegistry.Caller caller = registry.identify("s3cret").orElseThrow();
    assertEquals(Roles.SERVICE, caller.role());
    assertFalse(caller.name().contains("s3cret"));
    assertEquals(Roles.APP, registry.identify("app-s3cret").orElseThrow().role());
    assertEquals(Roles.OPERATOR, registry.identify("people-only").orElseThrow().role());
    assertTrue(registry.identify("people-onl").isEmpty());
    assertTrue(registry.identify("s3cre").isEmpty());
    assertTrue(registry.identify("").isEmpty());
  }

  @Test
  void aDigestThatIsNotSha256StopsTheStart() {
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TokenRegistry(tokens(List.of(), List.of(), List.of("people-only"))));
    assertTrue(refused.getMessage().contains("64 hex characters"));
  }

  private static SecurityConfig tokens(
      List<String> app, List<String> service, List<String> operatorSha256) {
    return new SecurityConfig() {
      @Override
      public Optional<List<String>> appTokens() {
        return Optional.of(app);
      }

      @Override
      public Optional<List<String>> serviceTokens() {
        return Optional.of(service);
      }

      @Override
      public Optional<List<String>> operatorTokens() {
        return Optional.empty();
      }

      @Override
      public Optional<List<String>> operatorTokenSha256() {
        return Optional.of(operatorSha256);
      }

      @Override
      public Optional<String> outboundToken() {
        return Optional.empty();
      }
    };
  }
}
