package health.clinicalops.errorwatch.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.clinicalops.errorwatch.config.ErrorWatchConfig;
import health.clinicalops.errorwatch.domain.AlertStatus;
import health.clinicalops.errorwatch.testsupport.FakePeersResource;
import health.clinicalops.errorwatch.testsupport.LogTraffic;
import health.clinicalops.opskit.clients.AuditEvent;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.RollbackRequest;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.ErrorSpikeEvidence;
import health.clinicalops.opskit.journal.RunbookJournal;
import health.clinicalops.testing.PostgresTestResource;
import health.clinicalops.testing.TestClock;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
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
  @Inject RunbookJournal journal;
  @Inject CircuitBreakerMaintenance breakers;
  @Inject ErrorWatchMetrics metrics;
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
    breakers.resetAll();
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
    assertEquals(7L, request.toRevision());
    assertTrue(request.approvalRequired(), "recommend mode asks for a person's approval");
    assertFalse(request.isDryRun(), "a dry run could never be approved");
    assertEquals(1, firedSinceBase());
    assertEquals(1, FakePeersResource.ROLLBACKS.size());

    IncidentReport incident = awaitIncident();
    assertEquals(Severity.P2, incident.severity());
    assertEquals("error-rate-spike", incident.runbook());
    assertEquals(
        "error-watch/error-rate-spike/" + evaluator.state().alertId(), incident.dedupKey());
    assertEquals("decision.suspect_deployment", incident.step().action());
    assertEquals("error-watch", incident.step().actor());
    ErrorSpikeEvidence evidence = (ErrorSpikeEvidence) incident.evidence();
    assertEquals(evaluator.state().alertId().toString(), evidence.alertId());
    assertEquals("SUSPECT_DEPLOYMENT", evidence.cause());
    assertEquals(incident.step().detail(), evidence.decision());
    assertEquals(true, evidence.rollbackRequested());
    assertEquals("recommend", evidence.rollbackMode());
    assertThat(evidence.rollbackId()).matches("[0-9]+");
    assertEquals("AWAITING_APPROVAL", evidence.rollbackStatus());
    assertEquals(null, evidence.rollbackFailure());
    assertEquals("healthy", evidence.databaseState());
    assertEquals("8", evidence.deploy().revision());
    assertEquals("7", evidence.deploy().previousRevision());
    assertThat(evidence.topErrors())
        .anySatisfy(
            error -> {
              assertThat(error.fingerprint()).contains("spike alpha");
              assertThat(error.newSinceDeploy()).isTrue();
              assertThat(error.endpoints()).isNotEmpty();
            });

    AuditEvent requested = awaitAudit("rollback.requested", "rollbackId", evidence.rollbackId());
    assertEquals("error-watch", requested.userId());
    assertThat(requested.details())
        .containsEntry("deployment", "clinical-app")
        .containsEntry("fromRevision", "8")
        .containsEntry("toRevision", "7")
        .containsEntry("mode", "recommend")
        .containsEntry("outcome", "requested");
    AuditEvent decided = awaitAudit("decision.suspect_deployment", "incident", incident.dedupKey());
    assertEquals("error-watch", decided.userId());
    assertThat(decided.details())
        .containsEntry("incident", incident.dedupKey())
        .containsEntry("runbook", "error-rate-spike")
        .containsEntry("detail", evidence.decision());
  }

  @Test
  void aRollbackRequestThatFailsLeavesTheRollbackToAPerson() {
    FakePeersResource.REFUSE_ROLLBACKS.set(true);
    deploy(base.plus(Duration.ofMinutes(20)), "41", "40");
    ingest(
        new LogTraffic()
            .add(base, Duration.ofMinutes(20), 0.02, 20, OLD_ERRORS)
            .add(
                base.plus(Duration.ofMinutes(20)),
                Duration.ofMinutes(10),
                0.25,
                20,
                List.of("TypeError: notes is undefined in spike lambda"))
            .ndjson());
    for (int minute = 21; minute <= 27; minute++) {
      evaluateAt(base.plus(Duration.ofMinutes(minute)));
    }
    assertEquals(AlertStatus.FIRING, evaluator.state().status());

    IncidentReport incident = awaitIncident();
    assertEquals("decision.suspect_deployment", incident.step().action());
    assertThat(incident.step().detail()).contains("roll back by hand");
    ErrorSpikeEvidence evidence = (ErrorSpikeEvidence) incident.evidence();
    assertEquals("SUSPECT_DEPLOYMENT", evidence.cause());
    assertEquals(false, evidence.rollbackRequested());
    assertEquals("recommend", evidence.rollbackMode());
    assertEquals(null, evidence.rollbackId());
    assertThat(evidence.rollbackFailure()).contains("409");

    AuditEvent failed = awaitAudit("rollback.request-failed", "toRevision", "40");
    assertEquals("error-watch", failed.userId());
    assertThat(failed.details())
        .containsEntry("deployment", "clinical-app")
        .containsEntry("toRevision", "40")
        .containsEntry("mode", "recommend");
    assertThat(String.valueOf(failed.details().get("outcome"))).startsWith("failed: ");
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
    assertEquals("decision.database", incident.step().action());
    ErrorSpikeEvidence evidence = (ErrorSpikeEvidence) incident.evidence();
    assertEquals("DATABASE", evidence.cause());
    assertEquals(false, evidence.rollbackRequested());
    assertEquals("down", evidence.databaseState());
    assertEquals("network", evidence.databaseCause());
    assertEquals(null, evidence.rollbackMode());
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
    String opened = awaitIncident().dedupKey();
    // One incident opened. (The previous test's alert, resolved before this one began, may still
    // be closing: its resolution is delivered in the background and can arrive late.)
    assertEquals(
        List.of(opened),
        FakePeersResource.INCIDENTS.stream()
            .filter(r -> !r.resolved())
            .map(IncidentReport::dedupKey)
            .distinct()
            .toList());
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
            journal,
            clock,
            metrics);
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
    ErrorSpikeEvidence evidence = (ErrorSpikeEvidence) awaitIncident().evidence();
    assertEquals("THIRD_PARTY", evidence.cause());
    assertThat(evidence.topErrors())
        .anySatisfy(error -> assertThat(error.namesThirdParty()).isTrue());
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

  @Test
  void burnRateASustainedTwentyPercentOverTheFastPairFires() {
    ErrorWindows burnWindows = new ErrorWindows(config.windows().bucket().toMillis());
    AlertEvaluator burnEvaluator = burnRateOnlyEvaluator(burnWindows);
    Instant end = base.plus(Duration.ofHours(1));
    // 10 of 50 lines per bucket: exactly 20% errors for an hour, above 14.4x a 1% budget.
    ingestInto(
        burnWindows,
        new LogTraffic().add(base, Duration.ofHours(1), 0.20, 50, List.of("Burn eta failed")));
    long t = end.toEpochMilli();
    assertEquals(0.20, burnWindows.counts(t - Duration.ofMinutes(5).toMillis(), t).errorRatio());
    assertEquals(0.20, burnWindows.counts(t - Duration.ofHours(1).toMillis(), t).errorRatio());

    TestClock.set(end);
    burnEvaluator.evaluate();
    assertEquals(AlertStatus.FIRING, burnEvaluator.state().status());
    assertEquals(1, firedSinceBase());
    resolveAndDrain(burnEvaluator);
  }

  @Test
  void burnRateAShortBurstTheLongWindowDoesNotConfirmDoesNotFire() {
    ErrorWindows burnWindows = new ErrorWindows(config.windows().bucket().toMillis());
    AlertEvaluator burnEvaluator = burnRateOnlyEvaluator(burnWindows);
    Instant burstStart = base.plus(Duration.ofHours(1));
    Instant burstEnd = burstStart.plus(Duration.ofMinutes(5));
    // An hour at 2%, then 5 minutes at 30%, then 2% again.
    ingestInto(
        burnWindows,
        new LogTraffic()
            .add(base, Duration.ofHours(1), 0.02, 50, OLD_ERRORS)
            .add(burstStart, Duration.ofMinutes(5), 0.30, 50, List.of("Burn theta failed"))
            .add(burstEnd, Duration.ofMinutes(55), 0.02, 50, OLD_ERRORS));
    // The short windows burn (5m: 30% >= 14.4%, 30m: 6.7% >= 6%), their long ones do not
    // (1h: 4.3% < 14.4%, all history: 4.3% < 6%).
    long t = burstEnd.toEpochMilli();
    assertTrue(burnWindows.counts(t - Duration.ofMinutes(5).toMillis(), t).errorRatio() >= 0.144);
    assertTrue(burnWindows.counts(t - Duration.ofMinutes(30).toMillis(), t).errorRatio() >= 0.06);
    assertTrue(burnWindows.counts(t - Duration.ofHours(1).toMillis(), t).errorRatio() < 0.06);

    for (Instant now = base.plus(Duration.ofMinutes(30));
        !now.isAfter(base.plus(Duration.ofHours(2)));
        now = now.plus(Duration.ofMinutes(5))) {
      TestClock.set(now);
      burnEvaluator.evaluate();
      assertEquals(AlertStatus.OK, burnEvaluator.state().status(), "at " + now);
    }
    assertEquals(0, firedSinceBase());
  }

  @Test
  void burnRateTheSlowPairFiresOnASustainedSevenPercentAndNotOnFive() {
    // 5% for six hours: under 6x the budget in both windows of the slow pair, under the fast pair.
    ErrorWindows fivePercent = new ErrorWindows(config.windows().bucket().toMillis());
    AlertEvaluator notBurning = burnRateOnlyEvaluator(fivePercent);
    ingestInto(
        fivePercent,
        new LogTraffic().add(base, Duration.ofHours(6), 0.05, 20, List.of("Burn iota failed")));
    for (int hour = 1; hour <= 6; hour++) {
      TestClock.set(base.plus(Duration.ofHours(hour)));
      notBurning.evaluate();
      assertEquals(AlertStatus.OK, notBurning.state().status(), "after hour " + hour);
    }
    assertEquals(0, firedSinceBase());

    // 1 of 15 lines (6.7%) for six hours: above 6x the budget in the 6h and the 30m window, under
    // the fast pair's 14.4x and the runbook's 10%.
    Instant start = base.plus(Duration.ofHours(7));
    Instant end = start.plus(Duration.ofHours(6));
    ErrorWindows sevenPercent = new ErrorWindows(config.windows().bucket().toMillis());
    AlertEvaluator burning = burnRateOnlyEvaluator(sevenPercent);
    ingestInto(
        sevenPercent,
        new LogTraffic()
            .add(start, Duration.ofHours(6), 1.0 / 15, 15, List.of("Burn kappa failed")));
    long t = end.toEpochMilli();
    double longRatio = sevenPercent.counts(t - Duration.ofHours(6).toMillis(), t).errorRatio();
    double shortRatio = sevenPercent.counts(t - Duration.ofMinutes(30).toMillis(), t).errorRatio();
    assertEquals(1.0 / 15, longRatio, 1e-9);
    assertEquals(1.0 / 15, shortRatio, 1e-9);
    assertEquals(
        Duration.ofHours(6).toMillis() / config.windows().bucket().toMillis(),
        sevenPercent.counts(t - Duration.ofHours(6).toMillis(), t).requests() / 15);

    TestClock.set(end);
    burning.evaluate();
    assertEquals(AlertStatus.FIRING, burning.state().status());
    assertEquals(1, firedSinceBase());
    resolveAndDrain(burning);
  }

  /**
   * A second evaluator (as in the restart test: no second app start) over its own windows, with
   * burn-rate alerting on (SLO 99%, the pairs 1h/5m at 14.4x and 6h/30m at 6x, which are
   * the defaults) and the runbook's threshold out of reach, so only a burn rate can fire it.
   */
  private AlertEvaluator burnRateOnlyEvaluator(ErrorWindows burnWindows) {
    ErrorWatchConfig.BurnRate burn = config.burnRate();
    assertEquals(Duration.ofHours(1), burn.fastLongWindow());
    assertEquals(Duration.ofMinutes(5), burn.fastShortWindow());
    assertEquals(14.4, burn.fastFactor());
    assertEquals(Duration.ofHours(6), burn.slowLongWindow());
    assertEquals(Duration.ofMinutes(30), burn.slowShortWindow());
    assertEquals(6.0, burn.slowFactor());
    ErrorWatchConfig.BurnRate enabled =
        new ErrorWatchConfig.BurnRate() {
          @Override
          public boolean enabled() {
            return true;
          }

          @Override
          public double sloTarget() {
            return 0.99;
          }

          @Override
          public Duration fastLongWindow() {
            return burn.fastLongWindow();
          }

          @Override
          public Duration fastShortWindow() {
            return burn.fastShortWindow();
          }

          @Override
          public double fastFactor() {
            return burn.fastFactor();
          }

          @Override
          public Duration slowLongWindow() {
            return burn.slowLongWindow();
          }

          @Override
          public Duration slowShortWindow() {
            return burn.slowShortWindow();
          }

          @Override
          public double slowFactor() {
            return burn.slowFactor();
          }
        };
    ErrorWatchConfig.Alert runbook = config.alert();
    ErrorWatchConfig.Alert unreachable =
        new ErrorWatchConfig.Alert() {
          @Override
          public double threshold() {
            return 1.0;
          }

          @Override
          public Duration duration() {
            return runbook.duration();
          }

          @Override
          public Duration ratioWindow() {
            return runbook.ratioWindow();
          }

          @Override
          public double resolveThreshold() {
            return runbook.resolveThreshold();
          }

          @Override
          public Duration resolveAfter() {
            return runbook.resolveAfter();
          }

          @Override
          public long minRequests() {
            return runbook.minRequests();
          }
        };
    ErrorWatchConfig burnConfig =
        new ErrorWatchConfig() {
          @Override
          public Windows windows() {
            return config.windows();
          }

          @Override
          public Alert alert() {
            return unreachable;
          }

          @Override
          public BurnRate burnRate() {
            return enabled;
          }

          @Override
          public Decision decision() {
            return config.decision();
          }

          @Override
          public Deploys deploys() {
            return config.deploys();
          }

          @Override
          public Limits limits() {
            return config.limits();
          }
        };
    return new AlertEvaluator(
        burnConfig,
        burnWindows,
        store,
        diagnosis,
        journal,
        clock,
        new ErrorWatchMetrics(new SimpleMeterRegistry()));
  }

  private void ingestInto(ErrorWindows burnWindows, LogTraffic traffic) {
    var result =
        new LogIngestService(burnWindows, config, new ErrorWatchMetrics(new SimpleMeterRegistry()))
            .ingest(
                new java.io.ByteArrayInputStream(
                    traffic.ndjson().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertEquals(traffic.lines(), result.accepted());
  }

  /** Ends the second evaluator's alert and waits until its incident is closed at the peer. */
  private void resolveAndDrain(AlertEvaluator burnEvaluator) {
    var alertId = burnEvaluator.state().alertId();
    String dedupKey = burnEvaluator.dedupKey(alertId);
    assertTrue(burnEvaluator.resolveManually("test", "burn-rate test done"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                FakePeersResource.INCIDENTS.stream()
                    .anyMatch(r -> r.dedupKey().equals(dedupKey) && r.resolved()));
    IncidentReport resolution =
        FakePeersResource.INCIDENTS.stream()
            .filter(r -> r.dedupKey().equals(dedupKey) && r.resolved())
            .findFirst()
            .orElseThrow();
    assertEquals("resolved", resolution.step().action());
    assertEquals("resolved by test: burn-rate test done", resolution.step().detail());
    ErrorSpikeEvidence evidence = (ErrorSpikeEvidence) resolution.evidence();
    assertEquals(alertId.toString(), evidence.alertId());
    assertEquals(clock.instant(), evidence.resolvedAt());
    AuditEvent audited = awaitAudit("incident.resolved", "incident", dedupKey);
    assertEquals("resolved by test: burn-rate test done", audited.details().get("detail"));
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

  /**
   * The audit event with {@code action} whose details have {@code key: value} (audit events of
   * earlier tests may still arrive).
   */
  private AuditEvent awaitAudit(String action, String key, String value) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(FakePeersResource.AUDIT)
                    .filteredOn(e -> e.action().equals(action))
                    .extracting(e -> e.details().get(key))
                    .contains(value));
    return FakePeersResource.AUDIT.stream()
        .filter(e -> e.action().equals(action) && value.equals(e.details().get(key)))
        .findFirst()
        .orElseThrow();
  }

  /** The incident opened for the current alert (reports of earlier alerts may still arrive). */
  private IncidentReport awaitIncident() {
    String dedupKey = evaluator.dedupKey(evaluator.state().alertId());
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
