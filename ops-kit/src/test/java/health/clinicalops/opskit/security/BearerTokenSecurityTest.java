package health.clinicalops.opskit.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

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
  void aPerServiceTokenNamesItsCaller() {
    given()
        .auth()
        .oauth2("error-watch.0123456789abcdef0123")
        .get("/api/v1/things/caller")
        .then()
        .statusCode(200)
        .body("name", equalTo("error-watch"))
        .body("role", equalTo(Roles.SERVICE))
        .body("named", equalTo(true));
    given()
        .auth()
        .oauth2("test-service-token")
        .get("/api/v1/things/caller")
        .then()
        .statusCode(200)
        .body("name", startsWith("service:"))
        .body("named", equalTo(false));
  }

  /** The name is part of the secret: another name with the same secret part is no token. */
  @Test
  void aNameCannotBeBorrowed() {
    given()
        .auth()
        .oauth2("auth-guard.0123456789abcdef0123")
        .get("/api/v1/things/caller")
        .then()
        .statusCode(401);
  }
}
