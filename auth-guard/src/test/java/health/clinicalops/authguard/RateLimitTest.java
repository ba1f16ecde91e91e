package health.clinicalops.authguard;

import static health.clinicalops.authguard.support.Api.asService;
import static health.clinicalops.authguard.support.Api.check;
import static health.clinicalops.testing.MeterDescriptions.assertEveryMeterDescribed;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.clinicalops.authguard.config.AuthGuardConfig;
import health.clinicalops.authguard.peers.FakeAuditKeeperResource;
import health.clinicalops.authguard.peers.FakeRollbackOrchestratorResource;
import health.clinicalops.authguard.service.AuthGuardMetrics;
import health.clinicalops.authguard.store.LocalWindowStore;
import health.clinicalops.authguard.store.RateCount;
import health.clinicalops.authguard.store.RateQuery;
import health.clinicalops.authguard.store.RedisWindowStore;
import health.clinicalops.authguard.store.ResilientWindowStore;
import health.clinicalops.authguard.store.StoreKeys;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.RateLimitStormEvidence;
import health.clinicalops.opskit.evidence.Runbooks;
import health.clinicalops.opskit.opsstate.OpsStateWatcher;
import health.clinicalops.opskit.opsstate.OpsStateWriter;
import health.clinicalops.opskit.opsstate.RateLimitOverride;
import health.clinicalops.testing.EmbeddedRedisServer;
import health.clinicalops.testing.InjectRedis;
import health.clinicalops.testing.PostgresTestResource;
import health.clinicalops.testing.RedisTestResource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Runbook step 2 ("Verify Rate Limiting") and the "Rate Limit Overwhelmed" runbook: the limits,
 * shared by replicas through Redis, the per-pod fallback when Redis is lost, and the 429 storm
 * check. One class, so that the application starts once for all of them.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "auth_guard"))
@WithTestResource(RedisTestResource.class)
class RateLimitTest {

  @Inject RedisAPI redis;
  @Inject AuthGuardConfig config;
  @Inject OpsStateWriter opsStateWriter;
  @Inject OpsStateWatcher opsStateWatcher;

  @Test
  void theSixthAuthRequestWithinAMinuteGets429WithRetryAfter() {
    String key = "user-" + UUID.randomUUID();
    for (int i = 1; i <= 5; i++) {
      check(key, "AUTH")
          .statusCode(200)
          .body("allowed", equalTo(true))
          .body("remaining", equalTo(5 - i))
          .body("limit", equalTo(5))
          .body("resetAt", notNullValue());
    }
    String retryAfter =
        check(key, "AUTH")
            .statusCode(429)
            .contentType("application/problem+json")
            .body("status", equalTo(429))
            .body("type", equalTo("urn:clinicalops:problem:rate-limited"))
            .extract()
            .header("Retry-After");
    long seconds = Long.parseLong(retryAfter);
    assertTrue(seconds >= 1 && seconds <= 60, "Retry-After within the window: " + seconds);
    // Another key is not affected.
    check("other-" + key, "AUTH").statusCode(200);
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(
            containsString(
                "clinicalops_auth_guard_decisions_total{outcome=\"limited\",policy=\"AUTH\"}"))
        .body(
            containsString(
                "clinicalops_auth_guard_decisions_total{outcome=\"allowed\",policy=\"AUTH\"}"));
  }

  @Test
  void twoAppInstancesSharingOneRedisTogetherAllowNoMoreThanTheLimit() throws Exception {
    // Instance 1 is this running service (REST); instance 2 is a second limiter with its own
    // memory and fallback over the same Redis, as a second replica would be.
    ResilientWindowStore secondReplica =
        new ResilientWindowStore(
            new RedisWindowStore(redis),
            new LocalWindowStore(Clock.systemUTC()),
            config,
            new AuthGuardMetrics(new SimpleMeterRegistry()),
            Clock.systemUTC());
    String key = "shared-" + UUID.randomUUID();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Boolean>> calls = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int n = i;
        calls.add(
            () -> {
              if (n % 2 == 0) {
                int status = check(key, "AUTH").extract().statusCode();
                return status == 200;
              }
              RateCount count =
                  secondReplica
                      .acquire(
                          new RateQuery(
                              StoreKeys.rateLog("AUTH", key),
                              StoreKeys.windowStats("AUTH", 0),
                              5,
                              60_000,
                              5,
                              1_000,
                              "replica-2:" + n,
                              key,
                              "/api/auth/signin",
                              10_000))
                      .await()
                      .atMost(Duration.ofSeconds(5));
              return count.allowed();
            });
      }
      long allowed = 0;
      for (Future<Boolean> f : pool.invokeAll(calls)) {
        if (f.get()) {
          allowed++;
        }
      }
      assertEquals(5, allowed, "20 concurrent requests over two replicas, AUTH allows 5");
    } finally {
      pool.shutdownNow();
    }
    // The replica's view agrees: the REST side is refused as well.
    check(key, "AUTH").statusCode(429);
  }

  @Test
  void aBurstAllowanceCapsRequestsWithinTheBurstWindowAndTiersHaveTheirOwnLimit() {
    String key = "burst-" + UUID.randomUUID();
    // WRITE: 30 per minute, at most 10 of them within one second.
    int allowed = 0;
    int refused = 0;
    for (int i = 0; i < 12; i++) {
      int status = check(key, "WRITE").extract().statusCode();
      if (status == 200) {
        allowed++;
      } else {
        assertEquals(429, status);
        refused++;
      }
    }
    assertTrue(allowed >= 10 && allowed <= 12 && refused >= 0, "allowed " + allowed);
    String paid = "paid-" + UUID.randomUUID();
    check(paid, "WRITE.paid").statusCode(200).body("limit", equalTo(120));
  }

  @Test
  void anUnknownPolicyOrAMissingKeyIsA400AndNoTokenIsA401() {
    check("k", "NOPE").statusCode(400).contentType("application/problem+json");
    asService()
        .contentType(ContentType.JSON)
        .body(Map.of("policy", "AUTH"))
        .post("/api/v1/rate-limit/check")
        .then()
        .statusCode(400)
        .body("violations[0].field", equalTo("key"));
    io.restassured.RestAssured.given()
        .contentType(ContentType.JSON)
        .body(Map.of("key", "k", "policy", "AUTH"))
        .post("/api/v1/rate-limit/check")
        .then()
        .statusCode(401);
  }

  @Test
  void anOverrideInTheOpsStateConfigMapIsHonouredUntilItExpires() {
    String key = "override-" + UUID.randomUUID();
    opsStateWriter.putRateLimitOverride(
        new RateLimitOverride(
            "EXPORT", 4, Duration.ofMinutes(1), Instant.now().plus(Duration.ofMinutes(5))));
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> opsStateWatcher.current().activeOverride("EXPORT", Instant.now()).isPresent());
    for (int i = 0; i < 4; i++) {
      check(key, "EXPORT").statusCode(200).body("limit", equalTo(4));
    }
    check(key, "EXPORT").statusCode(429);
    opsStateWriter.removeRateLimitOverride("EXPORT");
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> opsStateWatcher.current().activeOverride("EXPORT", Instant.now()).isEmpty());
    check("fresh-" + key, "EXPORT").statusCode(200).body("limit", equalTo(2));
  }

  @InjectRedis EmbeddedRedisServer redisServer;
  @Inject ResilientWindowStore store;

  @Test
  void decisionsContinueFromPerPodLimitsWhileRedisIsDownAndSharedLimitsReturnAfterwards() {
    check("before-" + UUID.randomUUID(), "AUTH").statusCode(200).body("fallback", equalTo(false));
    long fallbacksBefore = store.fallbackCount();

    redisServer.stop();
    try {
      String key = "during-" + UUID.randomUUID();
      for (int i = 1; i <= 5; i++) {
        check(key, "AUTH").statusCode(200).body("remaining", equalTo(5 - i));
      }
      check(key, "AUTH").statusCode(429);
      assertTrue(store.inFallback());
      assertTrue(store.fallbackCount() > fallbacksBefore, "each fallback decision is counted");

      JsonPath ready = given().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
      assertEquals("UP", ready.getString("status"), "a handled outage keeps readiness UP");
      Map<String, Object> redisCheck = redisCheck(ready);
      assertEquals(true, ((Map<?, ?>) redisCheck.get("data")).get("fallback"));
      given()
          .get("/q/metrics")
          .then()
          .statusCode(200)
          .body(containsString("clinicalops_auth_guard_fallbacks_total{operation=\"rate-limit\"}"))
          .body(containsString("clinicalops_auth_guard_redis_fallback_active 1.0"));
      assertEveryMeterDescribed(
          "clinicalops_auth_guard_",
          "clinicalops_auth_guard_fallbacks",
          "clinicalops_auth_guard_redis_fallback_active");
    } finally {
      redisServer.restart();
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> !store.inFallback());
    JsonPath ready = given().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
    assertEquals(false, ((Map<?, ?>) redisCheck(ready).get("data")).get("fallback"));

    // Shared limits apply again: the counts are in Redis, where every replica sees them.
    String key = "after-" + UUID.randomUUID();
    for (int i = 0; i < 3; i++) {
      check(key, "AUTH").statusCode(200).body("fallback", equalTo(false));
    }
    long inRedis =
        redis.zcard(StoreKeys.rateLog("AUTH", key)).await().atMost(Duration.ofSeconds(2)).toLong();
    assertEquals(3, inRedis);
    assertFalse(store.inFallback());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> redisCheck(JsonPath ready) {
    List<Map<String, Object>> checks = ready.getList("checks");
    return checks.stream()
        .filter(c -> "redis-rate-limit-store".equals(c.get("name")))
        .findFirst()
        .orElseThrow();
  }

  private static final long WINDOW_MS = 10_000;

  /** Starts traffic early in a statistics window, so that it all falls in one window. */
  private static void waitForFreshWindow() {
    await()
        .atMost(Duration.ofSeconds(11))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> System.currentTimeMillis() % WINDOW_MS < 2000);
  }

  /** Sends all requests at once from a small pool, so that they fall in one window. */
  private static void hitAll(
      List<Map.Entry<String, Integer>> keysAndTimes, String policy, String endpoint)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Integer>> calls = new ArrayList<>();
      for (Map.Entry<String, Integer> keyAndTimes : keysAndTimes) {
        for (int i = 0; i < keyAndTimes.getValue(); i++) {
          calls.add(
              () ->
                  asService()
                      .contentType(ContentType.JSON)
                      .body(
                          Map.of(
                              "key", keyAndTimes.getKey(), "policy", policy, "endpoint", endpoint))
                      .post("/api/v1/rate-limit/check")
                      .statusCode());
        }
      }
      for (Future<Integer> f : pool.invokeAll(calls)) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static IncidentReport awaitIncident(String policy) {
    String dedupKey = "auth-guard/rate-limit-overwhelmed/" + policy;
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !FakeRollbackOrchestratorResource.withKey(dedupKey).isEmpty());
    List<IncidentReport> reports = FakeRollbackOrchestratorResource.withKey(dedupKey);
    return reports.get(reports.size() - 1);
  }

  @Test
  void fewKeysHammeringIsReportedAsAbuseAndGetsNoRelief() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 6);
    waitForFreshWindow();
    List<Map.Entry<String, Integer>> traffic = new ArrayList<>();
    traffic.add(Map.entry("bot-" + run, 20));
    for (int k = 0; k < 5; k++) {
      traffic.add(Map.entry("user" + k + "-" + run, 3));
    }
    hitAll(traffic, "SEARCH", "/api/search");
    IncidentReport incident = awaitIncident("SEARCH");
    assertEquals(Severity.P3, incident.severity());
    assertEquals(Runbooks.RATE_LIMIT_OVERWHELMED, incident.runbook());
    RateLimitStormEvidence evidence = (RateLimitStormEvidence) incident.evidence();
    assertEquals("abuse", evidence.verdict());
    assertEquals("SEARCH", evidence.policy());
    assertEquals("bot-" + run, evidence.topKeys().get(0).key());
    assertEquals("/api/search", evidence.endpoints().get(0).endpoint());
    assertEquals("rate-limit.overwhelmed", incident.step().action());
    assertEquals("auth-guard", incident.step().actor());
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                FakeAuditKeeperResource.assertRecorded(
                    "rate-limit.overwhelmed", "incident", incident.dedupKey()));
    assertTrue(incident.title().contains("/api/search"), incident.title());
    assertTrue(incident.step().detail().contains("bot-" + run), incident.step().detail());
    assertTrue(opsStateWatcher.current().activeOverride("SEARCH", Instant.now()).isEmpty());
  }

  /** The report of {@code policy}'s overwhelm whose evidence names this run's keys. */
  private static IncidentReport awaitIncidentOf(String policy, String run) {
    String dedupKey = "auth-guard/rate-limit-overwhelmed/" + policy;
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertTrue(
                    FakeRollbackOrchestratorResource.withKey(dedupKey).stream()
                        .anyMatch(r -> namesRun(r, run)),
                    "a report of "
                        + policy
                        + " naming "
                        + run
                        + " among "
                        + FakeRollbackOrchestratorResource.withKey(dedupKey).size()));
    return FakeRollbackOrchestratorResource.withKey(dedupKey).stream()
        .filter(r -> namesRun(r, run))
        .reduce((first, second) -> second)
        .orElseThrow();
  }

  private static boolean namesRun(IncidentReport report, String run) {
    return ((RateLimitStormEvidence) report.evidence())
        .topKeys().stream().anyMatch(k -> k.key().endsWith("-" + run));
  }

  /**
   * Clients the app knew before: each key is used once, within its limit, in one window; in the
   * next window each is limited.
   */
  private static void knownClientsSpike(String policy, String run, int keys, int hits)
      throws Exception {
    waitForFreshWindow();
    List<Map.Entry<String, Integer>> before = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      before.add(Map.entry("clinic" + k + "-" + run, 1));
    }
    hitAll(before, policy, "/api/notes");
    await()
        .atMost(Duration.ofSeconds(11))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> System.currentTimeMillis() % WINDOW_MS >= WINDOW_MS - 300);
    waitForFreshWindow();
    List<Map.Entry<String, Integer>> spike = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      spike.add(Map.entry("clinic" + k + "-" + run, hits));
    }
    hitAll(spike, policy, "/api/notes");
  }

  /**
   * The same spike by keys nobody saw before: by the numbers a legitimate spike, but it may be one
   * attacker with many addresses, who must not raise a limit alone.
   */
  @Test
  void aSpikeOfKeysNobodySawBeforeGetsNoRelief() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 6);
    waitForFreshWindow();
    List<Map.Entry<String, Integer>> traffic = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      traffic.add(Map.entry("new" + k + "-" + run, 3));
    }
    hitAll(traffic, "EXPORT", "/api/export");
    IncidentReport incident = awaitIncidentOf("EXPORT", run);
    assertEquals("legitimate-spike", ((RateLimitStormEvidence) incident.evidence()).verdict());
    assertTrue(
        incident.step().detail().contains("were active before the spike"),
        incident.step().detail());
    assertTrue(opsStateWatcher.current().activeOverride("EXPORT", Instant.now()).isEmpty());
  }

  /** AUTH guards sign-in: a higher limit only helps whoever guesses passwords. */
  @Test
  void theAuthLimitIsNeverRaisedAutomatically() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 6);
    knownClientsSpike("AUTH", run, 8, 7);
    IncidentReport incident = awaitIncidentOf("AUTH", run);
    assertEquals("legitimate-spike", ((RateLimitStormEvidence) incident.evidence()).verdict());
    assertTrue(
        incident.step().detail().contains("AUTH is never raised automatically"),
        incident.step().detail());
    assertTrue(opsStateWatcher.current().activeOverride("AUTH", Instant.now()).isEmpty());
  }

  @Test
  void manyKnownClientsLimitedIsALegitimateSpikeAndGetsTemporaryRelief() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 6);
    knownClientsSpike("UPLOAD", run, 8, 3);
    IncidentReport incident = awaitIncidentOf("UPLOAD", run);
    assertEquals(Severity.P3, incident.severity());
    assertEquals("legitimate-spike", ((RateLimitStormEvidence) incident.evidence()).verdict());
    assertTrue(incident.step().detail().contains("relief applied"), incident.step().detail());
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                FakeAuditKeeperResource.assertRecorded(
                    "ratelimit.relief.applied", "policy", "UPLOAD"));
    await()
        .atMost(Duration.ofSeconds(2))
        .until(() -> opsStateWatcher.current().activeOverride("UPLOAD", Instant.now()).isPresent());
    Optional<RateLimitOverride> relief =
        opsStateWatcher.current().activeOverride("UPLOAD", Instant.now());
    assertEquals(4, relief.orElseThrow().max(), "the limit is doubled, as the runbook does");
    assertTrue(relief.get().expiresAt().isAfter(Instant.now()));
    check("fresh-" + run, "UPLOAD").statusCode(200).body("limit", equalTo(4));
    opsStateWriter.removeRateLimitOverride("UPLOAD");
  }
}
