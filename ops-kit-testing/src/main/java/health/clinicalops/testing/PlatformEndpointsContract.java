package health.clinicalops.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * What Kubernetes, Prometheus and every caller rely on from every service: open health, Prometheus
 * metrics, the documented API with its bearer scheme, and errors as problem+json. A service's test
 * extends this with its own {@code @QuarkusTest} annotations and test resources.
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

  /** Every meter of ours says what it measures: its {@code # HELP} line is not empty. */
  @Test
  void everyOwnMeterHasADescription() {
    List<String> help =
        given()
            .get("/q/metrics")
            .then()
            .statusCode(200)
            .extract()
            .asString()
            .lines()
            .filter(line -> line.startsWith("# HELP clinicalops_"))
            .toList();
    assertThat(help).as("the service's own meters").isNotEmpty();
    // "# HELP <name> <description>": a meter without a description has nothing after its name.
    assertThat(help)
        .allSatisfy(
            line ->
                assertThat(line.split(" ", 4))
                    .as("%s has a description", line)
                    .hasSize(4)
                    .satisfies(parts -> assertThat(parts[3]).isNotBlank()));
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

  /**
   * Every documented {@code /api} operation, called without a token (and, for reads, with the
   * operator's token and ids that do not exist), answers an error as {@code
   * application/problem+json}; so does a path that does not exist. Writes are sent only without a
   * token, so the sweep changes nothing.
   */
  @Test
  void everyErrorOfTheApiIsProblemJson() {
    Map<String, Map<String, Object>> paths =
        given().accept("application/json").get("/q/openapi").jsonPath().getMap("paths");
    SoftAssertions errors = new SoftAssertions();
    int swept = 0;
    for (Map.Entry<String, Map<String, Object>> path : paths.entrySet()) {
      if (!path.getKey().startsWith("/api/")) {
        continue;
      }
      String concrete = path.getKey().replaceAll("\\{[^}]+}", "0");
      for (String method : path.getValue().keySet()) {
        if (!HTTP_METHODS.contains(method)) {
          continue;
        }
        String verb = method.toUpperCase();
        swept++;
        expectProblemIfError(
            errors,
            verb + " " + concrete + " without a token",
            given().contentType("application/json").body("{}").request(verb, concrete));
        if (verb.equals("GET")) {
          expectProblemIfError(
              errors,
              "GET " + concrete + " as an operator",
              given().header("Authorization", "Bearer test-operator-token").get(concrete));
        }
      }
    }
    expectProblemIfError(
        errors, "GET /api/v1/no-such-resource", given().get("/api/v1/no-such-resource"));
    errors.assertThat(swept).as("documented /api operations").isPositive();
    errors.assertAll();
  }

  private static final Set<String> HTTP_METHODS = Set.of("get", "post", "put", "patch", "delete");

  private static void expectProblemIfError(SoftAssertions errors, String call, Response response) {
    if (response.statusCode() >= 400) {
      errors
          .assertThat(response.contentType())
          .as("%s answered %d with %s", call, response.statusCode(), response.asString())
          .startsWith("application/problem+json");
    }
  }
}
