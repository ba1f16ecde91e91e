package health.clinicalops.errorwatch.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import health.clinicalops.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** error-watch's meters at /q/metrics: their exposed names, and a description for each. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(PostgresTestResource.class)
class ErrorWatchMetricsTest {

  private static final String PREFIX = "clinicalops_error_watch_";

  @Test
  void everyMeterIsExposedUnderItsNameWithADescription() {
    String line =
        String.format(
            "{\"timestamp\":\"%s\",\"level\":\"error\",\"message\":\"x\",\"status\":500,"
                + "\"error\":{\"message\":\"Metrics test error\"},"
                + "\"context\":{\"endpoint\":\"/api/metrics-test\"}}%n",
            Instant.now().minusSeconds(1));
    given()
        .auth()
        .oauth2("test-service-token")
        .contentType("application/x-ndjson")
        .body((line + "{not json\n").getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/logs")
        .then()
        .statusCode(200);
    // The error ratios appear at the next scheduled evaluation (every second in tests).
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(metrics()).contains(PREFIX + "error_ratio{"));

    // Families as the Prometheus text format names them (# TYPE, # HELP); a counter's samples end
    // in _total.
    List<String> lines = metrics().lines().toList();
    Set<String> families = new TreeSet<>();
    for (String l : lines) {
      if (l.startsWith("# TYPE " + PREFIX)) {
        families.add(l.split(" ")[2]);
      }
    }
    assertThat(families)
        .containsExactlyInAnyOrder(
            PREFIX + "lines_ingested",
            PREFIX + "parse_failures",
            PREFIX + "alerts_fired",
            PREFIX + "alert_evaluation_failures",
            PREFIX + "alert_state",
            PREFIX + "error_ratio");
    for (String family : families) {
      assertThat(lines)
          .as("the description of " + family)
          .anyMatch(
              l ->
                  l.startsWith("# HELP " + family + " ")
                      && !l.substring(8 + family.length()).isBlank());
    }
    assertThat(lines)
        .anyMatch(
            l ->
                l.startsWith(
                    PREFIX + "error_ratio{dimension=\"overall\",value=\"all\",window=\"1m\"} "));
    assertThat(value(lines, PREFIX + "lines_ingested_total")).isGreaterThanOrEqualTo(1);
    assertThat(value(lines, PREFIX + "parse_failures_total")).isGreaterThanOrEqualTo(1);
    assertThat(value(lines, PREFIX + "alerts_fired_total")).isNotNegative();
    assertThat(value(lines, PREFIX + "alert_evaluation_failures_total")).isNotNegative();
    assertThat(value(lines, PREFIX + "alert_state")).isBetween(0.0, 2.0);
  }

  private static String metrics() {
    return given().get("/q/metrics").then().statusCode(200).extract().asString();
  }

  private static double value(List<String> lines, String name) {
    return lines.stream()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }
}
