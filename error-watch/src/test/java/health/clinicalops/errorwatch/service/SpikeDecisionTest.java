package health.clinicalops.errorwatch.service;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.clinicalops.errorwatch.clients.RollbackRequest;
import health.clinicalops.errorwatch.config.ErrorWatchConfig;
import health.clinicalops.errorwatch.domain.AlertStatus;
import health.clinicalops.errorwatch.testsupport.FakePeersResource;
import health.clinicalops.errorwatch.testsupport.LogTraffic;
import health.clinicalops.errorwatch.testsupport.TestClock;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.IncidentReporter;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.testing.PostgresTestResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Generated streams with known answers, in event time (the log lines' timestamps) with a clock the
 * test moves: the runbook's trigger, the decision, and the alert's persistence.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(PostgresTestResource.class)
class SpikeDecisionTest {

  /** Each test gets its own stretch of time, later than every earlier one. */
  private static final AtomicLong NEXT_BASE =
      new AtomicLong(Instant.parse("2030-01-01T00:00:00Z").toEpochMilli());

  private static final List<String> OLD_ERRORS =
      List.of("Request timeout after 3000 ms", "Rate limit exceeded for 198.51.100.23");

  @Inject AlertEvaluator evaluator;
  @Inject AlertStore store;
  @Inject ErrorWatchConfig config;
  @Inject SpikeDiagnosis diagnosis;
  @Inject IncidentReporter incidents;
  @Inject MeterRegistry registry;
  @Inject Clock clock;
  @Inject KubernetesClient kubernetes;

  private Instant base;

  @BeforeEach
  void freshStretchOfTime() {
    base = Instant.ofEpochMilli(NEXT_BASE.getAndAdd(Duration.ofDays(30).toMillis()));
    TestClock.set(base);
    given()
        .auth()
        .oauth2("test-operator-token")
        .post("/api/v1/alerts/current/resolve?reason=test-reset")
        .then()
        .statusCode(200);
    evaluator.evaluate();
    assertEquals(AlertStatus.OK, evaluator.state().status());
    FakePeersResource.reset();
  }

  @AfterEach
  void systemTime() {
    TestClock.reset();
  }

  @Test
  void aSpikeAfterADeployFiresAfterTheDurationAndAsksForOneRollback() {
    String newError =
        "TypeError: Cannot read properties of undefined (reading 'notes') in spike alpha";
    deploy(base.plus(Duration.ofMinutes(20)), "8", "7");
    LogTraffic traffic =
        new LogTraffic()
            .add(base, Duration.ofMinutes(20), 0.02, 20, OLD_ERRORS)
            .add(
                base.plus(Duration.ofMinutes(20)),
                Duration.ofMinutes(15),
                0.25,
                20,
                List.of(newError));
    ingest(traffic.ndjson());

    // 4 minutes into the spike: above the threshold, but not yet for 5 minutes.
    evaluateAt(base.plus(Duration.ofMinutes(24)));
    assertEquals(AlertStatus.PENDING, evaluator.state().status());
    assertTrue(FakePeersResource.ROLLBACKS.isEmpty());

    // 6 minutes in: fired, once, with a rollback request for the deploy.
    evaluateAt(base.plus(Duration.ofMinutes(26)));
    assertEquals(AlertStatus.FIRING, evaluator.state().status());
    Instant firedAt = evaluator.state().firingSince();
    assertTrue(!firedAt.isBefore(base.plus(Duration.ofMinutes(25))), "fired at " + firedAt);

    // Keep evaluating through the rest of the spike: still one alert, one rollback request.
    for (int minute = 27; minute <= 35; minute++) {
      evaluateAt(base.plus(Duration.ofMinutes(minute)));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> FakePeersResource.ROLLBACKS.size() == 1);
    RollbackRequest request = FakePeersResource.ROLLBACKS.get(0);
    assertEquals("clinical-app", request.deployment());
    assertEquals("7", request.toRevision());
    assertEquals(Boolean.TRUE, request.dryRun(), "recommend mode asks for a dry run");
    assertEquals(1, firedSinceBase());
    assertEquals(1, FakePeersResource.ROLLBACKS.size());

    IncidentReport incident = awaitIncident();
    assertEquals(Severity.P2, incident.severity());
    assertEquals("error-rate-spike", incident.runbook());
    assertEquals("SUSPECT_DEPLOYMENT", incident.evidence().get("cause"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                FakePeersResource.AUDIT.stream()
                    .anyMatch(e -> e.action().equals("rollback.requested")));
  }

  @Test
  void aSpikeWithTheDatabaseDownAsksForNoRollback() {
    FakePeersResource.DATABASE_STATE.set("down");
    String newError = "PrismaClientInitializationError: Can't reach database server in spike beta";
    deploy(base.plus(Duration.ofMinutes(20)), "12", "11");
    ingest(
        new LogTraffic()
            .add(base, Duration.ofMinutes(20), 0.02, 20, OLD_ERRORS)
            .add(
                base.plus(Duration.ofMinutes(20)),
                Duration.ofMinutes(10),
                0.30,
                20,
                List.of(newError))
            .ndjson());
    for (int minute = 21; minute <= 30; minute++) {
      evaluateAt(base.plus(Duration.ofMinutes(minute)));
    }
    assertEquals(AlertStatus.FIRING, evaluator.state().status());
    IncidentReport incident = awaitIncident();
    assertEquals("DATABASE", incident.evidence().get("cause"));
    assertEquals(false, incident.evidence().get("rollbackRequested"));
    assertTrue(FakePeersResource.ROLLBACKS.isEmpty());
  }

  @Test
  void aSpikeThatStaysUnderTenPercentFiresNothing() {
    deploy(base.plus(Duration.ofMinutes(20)), "21", "20");
    ingest(
        new LogTraffic()
            .add(base, Duration.ofMinutes(20), 0.02, 20, OLD_ERRORS)
            .add(
                base.plus(Duration.ofMinutes(20)),
                Duration.ofMinutes(20),
                0.10,
                20,
                List.of("Spike gamma failed"))
            .ndjson());
    for (int minute = 21; minute <= 40; minute++) {
      evaluateAt(base.plus(Duration.ofMinutes(minute)));
      assertFalse(evaluator.state().status() == AlertStatus.FIRING);
    }
    assertEquals(0, firedSinceBase());
    assertTrue(FakePeersResource.ROLLBACKS.isEmpty());
  }

  @Test
  void aFlappingRatioAroundTheThresholdGivesOneAlertNotMany() {
    LogTraffic traffic = new LogTraffic();
    Instant t = base;
    // 9% and 11% minute by minute: never above the threshold for 5 minutes.
    for (int i = 0; i < 16; i++) {
      traffic.add(t, Duration.ofMinutes(1), i % 2 == 0 ? 0.10 : 0.15, 20, List.of("Flap delta"));
      t = t.plus(Duration.ofMinutes(1));
    }
    // A real spike: fires.
    traffic.add(t, Duration.ofMinutes(7), 0.25, 20, List.of("Flap delta"));
    t = t.plus(Duration.ofMinutes(7));
    // Then flapping around the threshold again: stays firing (resolves only below 5%).
    for (int i = 0; i < 20; i++) {
      traffic.add(t, Duration.ofMinutes(1), i % 2 == 0 ? 0.05 : 0.15, 20, List.of("Flap delta"));
      t = t.plus(Duration.ofMinutes(1));
    }
    ingest(traffic.ndjson());
    Instant end = t;
    for (Instant now = base; !now.isAfter(end); now = now.plus(Duration.ofSeconds(30))) {
      evaluateAt(now);
    }
    assertEquals(AlertStatus.FIRING, evaluator.state().status());
    assertEquals(1, firedSinceBase());
    await().atMost(Duration.ofSeconds(10)).until(() -> !FakePeersResource.INCIDENTS.isEmpty());
    assertEquals(
        1, FakePeersResource.INCIDENTS.stream().map(IncidentReport::dedupKey).distinct().count());
  }

  @Test
  void aRestartMidAlertKeepsItFiringAndDoesNotFireItAgain() {
    deploy(base.plus(Duration.ofMinutes(20)), "31", "30");
    ingest(
        new LogTraffic()
            .add(base, Duration.ofMinutes(20), 0.02, 20, OLD_ERRORS)
            .add(
                base.plus(Duration.ofMinutes(20)),
                Duration.ofMinutes(20),
                0.25,
                20,
                List.of("Spike epsilon broke"))
            .ndjson());
    for (int minute = 21; minute <= 27; minute++) {
      evaluateAt(base.plus(Duration.ofMinutes(minute)));
    }
    assertEquals(AlertStatus.FIRING, evaluator.state().status());
    var alertId = evaluator.state().alertId();
    await().atMost(Duration.ofSeconds(10)).until(() -> FakePeersResource.ROLLBACKS.size() == 1);

    // A new process: a new evaluator with empty windows, reading the persisted state.
    AlertEvaluator restarted =
        new AlertEvaluator(
            config,
            new ErrorWindows(config.windows().bucket().toMillis()),
            store,
            diagnosis,
            incidents,
            clock,
            registry);
    assertEquals(AlertStatus.FIRING, restarted.state().status());
    assertEquals(alertId, restarted.state().alertId());
    for (int minute = 28; minute <= 40; minute++) {
      TestClock.set(base.plus(Duration.ofMinutes(minute)));
      restarted.evaluate();
    }
    assertEquals(AlertStatus.FIRING, restarted.state().status());
    assertEquals(alertId, restarted.state().alertId());
    assertEquals(1, firedSinceBase());
    assertEquals(1, FakePeersResource.ROLLBACKS.size());
  }

  @Test
  void errorsNamingAThirdPartyAreThirdPartyWithoutRollback() {
    ingest(
        new LogTraffic()
            .add(base, Duration.ofMinutes(20), 0.02, 20, OLD_ERRORS)
            .add(
                base.plus(Duration.ofMinutes(20)),
                Duration.ofMinutes(10),
                0.30,
                20,
                List.of("Stripe API error: upstream timeout zeta"))
            .ndjson());
    for (int minute = 21; minute <= 30; minute++) {
      evaluateAt(base.plus(Duration.ofMinutes(minute)));
    }
    assertEquals(AlertStatus.FIRING, evaluator.state().status());
    assertEquals("THIRD_PARTY", awaitIncident().evidence().get("cause"));
    assertTrue(FakePeersResource.ROLLBACKS.isEmpty());
  }

  @Test
  void rolloutsOfWatchedDeploymentsAreLearnedFromTheCluster() {
    Deployment deployment =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("clinical-app")
            .withNamespace("test")
            .addToAnnotations("deployment.kubernetes.io/revision", "103")
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app.kubernetes.io/version", "v3.0.0")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage("registry.example/clinical-app:103")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    kubernetes.apps().deployments().inNamespace("test").resource(deployment).create();
    kubernetes
        .apps()
        .deployments()
        .inNamespace("test")
        .withName("clinical-app")
        .edit(
            d ->
                new DeploymentBuilder(d)
                    .editMetadata()
                    .addToAnnotations("deployment.kubernetes.io/revision", "104")
                    .endMetadata()
                    .editSpec()
                    .editTemplate()
                    .editSpec()
                    .editFirstContainer()
                    .withImage("registry.example/clinical-app:104")
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                given()
                    .auth()
                    .oauth2("test-operator-token")
                    .get("/api/v1/deploys?limit=500")
                    .then()
                    .statusCode(200)
                    .body(
                        "find { it.revision == '104' }.image",
                        org.hamcrest.Matchers.equalTo("registry.example/clinical-app:104"))
                    .body(
                        "find { it.revision == '104' }.previousRevision",
                        org.hamcrest.Matchers.equalTo("103"))
                    .body(
                        "find { it.revision == '104' }.source",
                        org.hamcrest.Matchers.equalTo("cluster")));
  }

  private void deploy(Instant at, String revision, String previous) {
    given()
        .auth()
        .oauth2("test-service-token")
        .contentType("application/json")
        .body(
            Map.of(
                "app",
                "clinical-app",
                "image",
                "registry.example/clinical-app:" + revision,
                "revision",
                revision,
                "previousRevision",
                previous,
                "release",
                "v2." + revision,
                "deployedAt",
                at.toString()))
        .post("/api/v1/deploys")
        .then()
        .statusCode(201);
  }

  private void ingest(String ndjson) {
    given()
        .auth()
        .oauth2("test-service-token")
        .contentType("application/x-ndjson")
        .body(ndjson.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .post("/api/v1/logs")
        .then()
        .statusCode(200);
  }

  private void evaluateAt(Instant now) {
    TestClock.set(now);
    evaluator.evaluate();
  }

  private long firedSinceBase() {
    try {
      return store.countFiredSince(base);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The incident opened for the current alert (reports of earlier alerts may still arrive). */
  private IncidentReport awaitIncident() {
    String dedupKey = AlertEvaluator.dedupKey(evaluator.state().alertId());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                FakePeersResource.INCIDENTS.stream().anyMatch(r -> r.dedupKey().equals(dedupKey)));
    return FakePeersResource.INCIDENTS.stream()
        .filter(r -> r.dedupKey().equals(dedupKey))
        .findFirst()
        .orElseThrow();
  }
}
