package health.clinicalops.testing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What Kubernetes and Prometheus rely on from every service: open health, Prometheus metrics and
 * the documented API with its bearer scheme. A service's test extends this with its own
 * {@code @QuarkusTest} annotations and test resources.
 */
public abstract class PlatformEndpointsContract {

  @Test
  void healthEndpointsAnswerWithoutAToken() {
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    given().get("/q/health/started").then().statusCode(200);
    // A service just started may be unready for a moment (its ConfigMap watch still connecting,
    // seen once in CI as "watching": false); Kubernetes asks again, and so does this test.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                given()
                    .get("/q/health/ready")
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("UP")));
  }

  @Test
  void metricsArePrometheusText() {
    given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_"));
  }

  @Test
  void openApiDocumentsTheBearerScheme() {
    given()
        .accept("application/json")
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("components.securitySchemes.bearer.scheme", equalTo("bearer"));
  }
}
