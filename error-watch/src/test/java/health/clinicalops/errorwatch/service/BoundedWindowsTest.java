package health.clinicalops.errorwatch.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import health.clinicalops.errorwatch.domain.Counts;
import health.clinicalops.errorwatch.domain.ErrorTally;
import health.clinicalops.errorwatch.domain.FingerprintStats;
import health.clinicalops.testing.PostgresTestResource;
import health.clinicalops.testing.TestClock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An app that logs raw paths ({@code /api/notes/<uuid>}) and free-text messages makes every line a
 * new key: the windows keep at most the cap of distinct keys per bucket, count the rest under
 * {@code (other)}, and their totals and ratios stay exact.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(PostgresTestResource.class)
class BoundedWindowsTest {

  private static final int LINES = 200_000;
  private static final int BATCH = 10_000;
  private static final int KEYS_PER_BUCKET = 1_000;
  private static final int VALUES_PER_FINGERPRINT = 100;

  @Inject ErrorWindows windows;

  @AfterEach
  void systemTime() {
    TestClock.reset();
  }

  @Test
  void randomEndpointsAndMessagesAreCappedPerBucketWithExactTotals() {
    Instant at = Instant.parse("2029-04-01T10:00:00Z");
    TestClock.set(at.plusSeconds(60));
    Random random = new Random(18);
    long errors = 0;
    for (int sent = 0; sent < LINES; sent += BATCH) {
      StringBuilder body = new StringBuilder();
      for (int i = 0; i < BATCH; i++) {
        boolean error = (sent + i) % 4 == 0;
        errors += error ? 1 : 0;
        // Three buckets of 10 s.
        Instant t = at.plusMillis((sent + i) % 30_000);
        body.append(line(t, error, random));
      }
      given()
          .auth()
          .oauth2("test-service-token")
          .contentType("application/x-ndjson")
          .body(body.toString().getBytes(StandardCharsets.UTF_8))
          .post("/api/v1/logs")
          .then()
          .statusCode(200)
          .body("accepted", equalTo(BATCH));
    }

    long requests = 0;
    long fingerprintErrors = 0;
    for (long bucket = at.toEpochMilli(); bucket < at.toEpochMilli() + 30_000; bucket += 10_000) {
      ErrorTally tally = windows.merged(bucket, bucket + 10_000);
      // The cap, plus the one (other) key holding what did not fit.
      assertThat(tally.byEndpoint()).hasSize(KEYS_PER_BUCKET + 1).containsKey(ErrorTally.OTHER);
      assertThat(tally.byRole()).hasSize(KEYS_PER_BUCKET + 1);
      assertThat(tally.byRegion()).hasSize(KEYS_PER_BUCKET + 1);
      assertThat(tally.fingerprints()).hasSize(KEYS_PER_BUCKET + 1);
      assertThat(sumRequests(tally.byEndpoint())).isEqualTo(tally.overall().requests());
      assertThat(sumErrors(tally.byEndpoint())).isEqualTo(tally.overall().errors());
      assertThat(sumRequests(tally.byRole())).isEqualTo(tally.overall().requests());
      assertThat(sumRequests(tally.byRegion())).isEqualTo(tally.overall().requests());
      for (FingerprintStats stats : tally.fingerprints().values()) {
        assertThat(stats.endpoints().size()).isLessThanOrEqualTo(VALUES_PER_FINGERPRINT + 1);
        assertThat(stats.releases().size()).isLessThanOrEqualTo(VALUES_PER_FINGERPRINT + 1);
        assertThat(stats.endpoints().values().stream().mapToLong(Long::longValue).sum())
            .isEqualTo(stats.count());
        fingerprintErrors += stats.count();
      }
      requests += tally.overall().requests();
    }
    assertThat(requests).isEqualTo(LINES);
    assertThat(fingerprintErrors).isEqualTo(errors);

    given()
        .auth()
        .oauth2("test-operator-token")
        .get("/api/v1/errors/ratio?window=5m")
        .then()
        .statusCode(200)
        .body("overall.requests", equalTo(LINES))
        .body("overall.errors", equalTo((int) errors))
        .body("overall.errorRatio", equalTo(0.25f));
    given()
        .auth()
        .oauth2("test-operator-token")
        .get("/api/v1/errors/top?window=5m&limit=5")
        .then()
        .statusCode(200)
        .body("[0].fingerprint", equalTo(ErrorTally.OTHER));
  }

  @Test
  void aMegabyteMessageIsCutBeforeFingerprinting() {
    Instant at = Instant.parse("2029-05-01T10:00:00Z");
    TestClock.set(at.plusSeconds(30));
    String message = "Upload of " + "x".repeat(1 << 20) + " failed";
    given()
        .auth()
        .oauth2("test-service-token")
        .contentType("application/x-ndjson")
        .body(
            String.format(
                    "{\"timestamp\":\"%s\",\"level\":\"error\",\"status\":500,"
                        + "\"error\":{\"message\":\"%s\"},\"context\":{\"endpoint\":\"/api/u\"}}%n",
                    at, message)
                .getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/logs")
        .then()
        .statusCode(200)
        .body("accepted", equalTo(1));
    String cut = message.substring(0, 1_000);
    List<Map<String, Object>> top =
        given()
            .auth()
            .oauth2("test-operator-token")
            .get("/api/v1/errors/top?window=1m")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("$");
    assertThat(top).hasSize(1);
    assertThat(top.get(0))
        .containsEntry("fingerprint", cut)
        .containsEntry("messages", Map.of(cut, 1));
    assertThat((String) top.get(0).get("sample")).hasSize(2_000 + 1).endsWith("…");
  }

  private static long sumRequests(Map<String, Counts> counts) {
    return counts.values().stream().mapToLong(Counts::requests).sum();
  }

  private static long sumErrors(Map<String, Counts> counts) {
    return counts.values().stream().mapToLong(Counts::errors).sum();
  }

  private static String line(Instant at, boolean error, Random random) {
    String endpoint = "/api/notes/" + word(random, 24);
    String context =
        String.format(
            "\"context\":{\"endpoint\":\"%s\",\"userRole\":\"%s\",\"region\":\"%s\","
                + "\"release\":\"%s\"}",
            endpoint, word(random, 8), word(random, 8), word(random, 8));
    if (!error) {
      return String.format(
          "{\"timestamp\":\"%s\",\"level\":\"info\",\"status\":200,%s}%n", at, context);
    }
    return String.format(
        "{\"timestamp\":\"%s\",\"level\":\"error\",\"status\":500,"
            + "\"error\":{\"message\":\"Note %s %s failed\"},%s}%n",
        at, word(random, 10), word(random, 10), context);
  }

  private static String word(Random random, int length) {
    StringBuilder word = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      word.append((char) ('a' + random.nextInt(26)));
    }
    return word.toString();
  }
}
