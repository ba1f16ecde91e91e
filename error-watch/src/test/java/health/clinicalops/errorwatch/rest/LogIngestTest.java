package health.clinicalops.errorwatch.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.clinicalops.errorwatch.testsupport.GeneratedLogDump;
import health.clinicalops.testing.PostgresTestResource;
import health.clinicalops.testing.TestClock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Ingest over HTTP: bad input, the body limit, security, and top errors vs the runbook's jq. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(PostgresTestResource.class)
class LogIngestTest {

  @AfterEach
  void systemTime() {
    TestClock.reset();
  }

  @Test
  void aBatchWithBrokenLinesKeepsItsGoodLines() {
    Instant at = Instant.parse("2029-03-01T10:00:00Z");
    TestClock.set(at.plusSeconds(60));
    String body =
        line(at, "Broken batch survivor 1")
            + "{not json at all\n"
            + line(at.plusSeconds(1), "Broken batch survivor 2")
            + "{\"level\":\"error\",\"message\":\"no timestamp\"}\n"
            + "\n"
            + "[1,2]\n"
            + line(at.plusSeconds(2), "Broken batch survivor 3");
    post(body, "application/x-ndjson")
        .then()
        .statusCode(200)
        .body("accepted", equalTo(3))
        .body("rejected", equalTo(3));
    given()
        .auth()
        .oauth2("test-operator-token")
        .get("/api/v1/errors/top?window=5m")
        .then()
        .statusCode(200)
        .body("[0].fingerprint", equalTo("Broken batch survivor <n>"))
        .body("[0].count", equalTo(3));

    String array =
        "["
            + line(at.plusSeconds(3), "Array survivor").trim()
            + ",{\"timestamp\":\"yesterday\",\"level\":\"error\"},42,"
            + line(at.plusSeconds(4), "Array survivor").trim()
            + "]";
    post(array, "application/json")
        .then()
        .statusCode(200)
        .body("accepted", equalTo(2))
        .body("rejected", equalTo(2))
        .body("truncated", equalTo(false));
  }

  @Test
  void tenMegabytesAreRefusedWith413() {
    byte[] body = new byte[10 * 1024 * 1024];
    Arrays.fill(body, (byte) ' ');
    given()
        .auth()
        .oauth2("test-service-token")
        .contentType("application/x-ndjson")
        .body(body)
        .post("/api/v1/logs")
        .then()
        .statusCode(413);
  }

  @Test
  void theApiNeedsATokenAndResolvingNeedsAnOperator() {
    given()
        .contentType("application/x-ndjson")
        .body("{}".getBytes())
        .post("/api/v1/logs")
        .then()
        .statusCode(401);
    given().get("/api/v1/errors/top").then().statusCode(401);
    given()
        .auth()
        .oauth2("test-service-token")
        .post("/api/v1/alerts/current/resolve")
        .then()
        .statusCode(403);
    given()
        .auth()
        .oauth2("test-service-token")
        .get("/api/v1/errors/top?window=soon")
        .then()
        .statusCode(400);
  }

  @Test
  void aDeployTimeBeyondYear9999IsRefusedNotAFault() {
    given()
        .auth()
        .oauth2("test-service-token")
        .contentType("application/json")
        .body("{\"app\":\"clinical-app\",\"deployedAt\":\"+999999999-12-31T23:59:59Z\"}")
        .post("/api/v1/deploys")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  @Test
  void aHugeWindowIsRefusedNotAFault() {
    for (String window :
        new String[] {"99999999999999999d", "9999999999999999999s", "PT2562047788015215H"}) {
      given()
          .auth()
          .oauth2("test-service-token")
          .queryParam("window", window)
          .get("/api/v1/errors/top")
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
  }

  @Test
  void topErrorsAgreeWithTheRunbooksJqPipeline() throws Exception {
    Instant start = Instant.parse("2029-06-01T08:00:00Z");
    GeneratedLogDump dump = new GeneratedLogDump(start, 7);
    TestClock.set(start.plusSeconds(600));
    post(dump.ndjson, "application/x-ndjson").then().statusCode(200).body("rejected", equalTo(0));

    Response response =
        given().auth().oauth2("test-operator-token").get("/api/v1/errors/top?window=1h&limit=100");
    response.then().statusCode(200);
    List<Map<String, Object>> top = response.jsonPath().getList("$");
    Map<String, Long> counts = new HashMap<>();
    for (Map<String, Object> row : top) {
      String fingerprint = (String) row.get("fingerprint");
      long count = ((Number) row.get("count")).longValue();
      counts.put(fingerprint, count);
      // Each fingerprint's count is the sum of the pipeline rows it merges.
      @SuppressWarnings("unchecked")
      Map<String, Number> merged = (Map<String, Number>) row.get("messages");
      long sum = 0;
      for (var e : merged.entrySet()) {
        assertEquals(dump.pipelineRows.get(e.getKey()), e.getValue().longValue(), e.getKey());
        sum += e.getValue().longValue();
      }
      assertEquals(count, sum + ((Number) row.get("otherMessages")).longValue(), fingerprint);
      assertTrue(row.get("sample").toString().contains("\"level\":\"error\""));
      assertEquals(Map.of("/api/notes", count), toLongs(row.get("endpoints")));
    }
    assertEquals(dump.fingerprintCounts, counts);
    // Messages with no variable part: identical counts to the pipeline's rows.
    assertEquals(dump.pipelineRows.get("Invalid credentials"), counts.get("Invalid credentials"));
    assertEquals(
        dump.pipelineRows.get("Stripe API error: card_declined"),
        counts.get("Stripe API error: card_declined"));

    Path jq = Path.of("/usr/bin/jq");
    if (Files.isExecutable(jq)) {
      assertEquals(dump.pipelineRows, runRunbookPipeline(dump.ndjson));
    }
  }

  @Test
  void theRatioCountsErrorsAndClientErrorsApart() {
    Instant at = Instant.parse("2029-09-01T10:00:00Z");
    TestClock.set(at.plusSeconds(30));
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      int status = i < 2 ? 503 : i < 5 ? 404 : 200;
      body.append(
          String.format(
              "{\"timestamp\":\"%s\",\"level\":\"%s\",\"message\":\"m\",\"status\":%d,"
                  + "\"context\":{\"endpoint\":\"/api/ratio\",\"userRole\":\"admin\",\"region\":\"us-east\"}}%n",
              at.plusSeconds(i), status >= 500 ? "warn" : "info", status));
    }
    post(body.toString(), "application/x-ndjson")
        .then()
        .statusCode(200)
        .body("accepted", equalTo(10));
    given()
        .auth()
        .oauth2("test-service-token")
        .get("/api/v1/errors/ratio?window=1m")
        .then()
        .statusCode(200)
        .body("overall.requests", equalTo(10))
        .body("overall.errors", equalTo(2))
        .body("overall.clientErrors", equalTo(3))
        .body("endpoints.'/api/ratio'.errorRatio", equalTo(0.2f))
        .body("roles.admin.requests", equalTo(10));
  }

  private static Map<String, Long> toLongs(Object map) {
    Map<String, Long> out = new HashMap<>();
    ((Map<?, ?>) map).forEach((k, v) -> out.put((String) k, ((Number) v).longValue()));
    return out;
  }

  /** The runbook's step 1, verbatim, on the same file; rows parsed back into message → count. */
  private static Map<String, Long> runRunbookPipeline(String ndjson)
      throws IOException, InterruptedException {
    Path file = Files.createTempFile("logs", ".json");
    Files.writeString(file, ndjson);
    Process p =
        new ProcessBuilder(
                "bash",
                "-c",
                "grep '\"level\":\"error\"' '"
                    + file
                    + "' | jq -r '.error.message' | sort | uniq -c | sort -rn")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor());
    Files.delete(file);
    Map<String, Long> rows = new HashMap<>();
    for (String row : out.split("\n")) {
      String trimmed = row.stripLeading();
      if (trimmed.isEmpty()) {
        continue;
      }
      int space = trimmed.indexOf(' ');
      rows.put(trimmed.substring(space + 1), Long.parseLong(trimmed.substring(0, space)));
    }
    return rows;
  }

  private static String line(Instant at, String errorMessage) {
    return String.format(
        "{\"timestamp\":\"%s\",\"level\":\"error\",\"message\":\"x\",\"status\":500,"
            + "\"error\":{\"message\":\"%s\"},\"context\":{\"endpoint\":\"/api/x\"}}%n",
        at, errorMessage);
  }

  private static Response post(String body, String contentType) {
    return given()
        .auth()
        .oauth2("test-service-token")
        .contentType(contentType)
        .body(body.getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/logs");
  }
}
