package health.clinicalops.dbsentinel;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.clinicalops.dbsentinel.clients.LeaseCalls;
import health.clinicalops.dbsentinel.service.LeaseElection;
import health.clinicalops.dbsentinel.testsupport.FakeIncidentsResource;
import health.clinicalops.dbsentinel.testsupport.SentinelDatabasesTestResource;
import health.clinicalops.opskit.opsstate.Mode;
import health.clinicalops.opskit.opsstate.OpsState;
import health.clinicalops.opskit.opsstate.OpsStateWatcher;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two db-sentinel replicas do not fight: one writer through a Lease, the other follows. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(SentinelDatabasesTestResource.class)
class LeaderElectionTest extends SentinelTestBase {

  @Inject KubernetesClient client;
  @Inject LeaseCalls leaseCalls;
  @Inject OpsStateWatcher watcher;

  @Test
  void oneReplicaHoldsTheLeaseAndTheOtherTakesOverOnlyWhenItRunsOut() {
    LeaseElection x = election("test-election", "replica-x");
    LeaseElection y = election("test-election", "replica-y");
    assertTrue(x.tryAcquireOrRenew());
    assertFalse(y.tryAcquireOrRenew());
    assertTrue(x.tryAcquireOrRenew());
    assertFalse(y.tryAcquireOrRenew());
    assertEquals(Optional.of("replica-x"), y.holder());

    // replica-x stops renewing (it died): replica-y takes over once the Lease has run out.
    await().atMost(Duration.ofSeconds(4)).until(y::tryAcquireOrRenew);
    assertFalse(x.tryAcquireOrRenew(), "the old holder now follows");
    assertEquals(Optional.of("replica-y"), x.holder());

    // A replica shutting down gives the Lease up at once.
    y.release();
    assertTrue(x.tryAcquireOrRenew());
  }

  @Test
  void twoReplicasRacingForAFreeLeaseElectExactlyOne() throws Exception {
    for (int round = 0; round < 5; round++) {
      String lease = "race-" + round;
      LeaseElection a = election(lease, "replica-a");
      LeaseElection b = election(lease, "replica-b");
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      boolean aWon;
      boolean bWon;
      try {
        Future<Boolean> fa =
            pool.submit(
                () -> {
                  start.await();
                  return a.tryAcquireOrRenew();
                });
        Future<Boolean> fb =
            pool.submit(
                () -> {
                  start.await();
                  return b.tryAcquireOrRenew();
                });
        start.countDown();
        aWon = fa.get(10, TimeUnit.SECONDS);
        bWon = fb.get(10, TimeUnit.SECONDS);
      } finally {
        pool.shutdownNow();
      }
      assertTrue(aWon ^ bWon, "exactly one leader in round " + round);
      assertEquals(a.isLeader(), a.tryAcquireOrRenew());
      assertEquals(b.isLeader(), b.tryAcquireOrRenew());
    }
  }

  @Test
  void aFollowerProbesButNeverWritesAndANewLeaderCarriesTheIncidentOn() {
    String namespace = watcher.namespace();
    // replica-b takes the Lease (as if replica-a's renewals had lapsed) and keeps renewing it.
    LeaseElection replicaB = election("db-sentinel-leader", "replica-b");
    await()
        .atMost(Duration.ofSeconds(5))
        .ignoreExceptions()
        .until(
            () -> {
              client
                  .leases()
                  .inNamespace(namespace)
                  .withName("db-sentinel-leader")
                  .edit(
                      l ->
                          new LeaseBuilder(l)
                              .editSpec()
                              .withHolderIdentity("replica-b")
                              .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
                              .endSpec()
                              .build());
              return replicaB.tryAcquireOrRenew();
            });
    ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor();
    renewals.scheduleAtFixedRate(replicaB::tryAcquireOrRenew, 0, 300, TimeUnit.MILLISECONDS);
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  given()
                      .get("/q/health/ready")
                      .then()
                      .body(
                          "checks.find { it.name == 'database-watch' }.data.writer",
                          equalTo(false)));

      primary.stop();
      await().atMost(Duration.ofSeconds(3)).until(() -> "down".equals(status().getString("state")));
      // Past the detection delay (2 s): the follower reports down but writes nothing.
      await()
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(5))
          .until(() -> mode() == Mode.NORMAL && "down".equals(status().getString("state")));
      assertTrue(FakeIncidentsResource.REPORTS.isEmpty(), "only the leader reports incidents");
      // replica-b, the leader, puts the app in read-only mode (as db-sentinel, with a lease)...
      OpsState set =
          writer.setMode(
              Mode.READ_ONLY,
              "primary unreachable",
              "db-sentinel",
              Optional.of(Duration.ofSeconds(6)));
      incidentKey = "db-sentinel/primary-unreachable/" + set.modeSetting().since().orElseThrow();
    } finally {
      // ...and dies.
      renewals.shutdownNow();
    }

    // Once replica-b's Lease runs out (2 s), replica-a leads, keeps the mode it finds (renewing
    // it) and reports to the same incident; when the primary is back it closes that incident.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> FakeIncidentsResource.assertStep("database.mode.read-only.kept"));
    assertEquals(
        incidentKey,
        FakeIncidentsResource.withStep("database.mode.read-only.kept").get(0).dedupKey());
    assertEquals(Optional.of("replica-a"), replicaB.holder());
    assertEquals(Mode.READ_ONLY, mode());
    primary.restart();
    await().atMost(Duration.ofSeconds(10)).until(() -> mode() == Mode.NORMAL);
    await()
        .atMost(Duration.ofSeconds(3))
        .until(
            () ->
                FakeIncidentsResource.REPORTS.stream()
                    .anyMatch(r -> r.resolved() && r.dedupKey().equals(incidentKey)));
  }

  private String incidentKey;

  private LeaseElection election(String lease, String identity) {
    return new LeaseElection(
        leaseCalls, watcher.namespace(), lease, identity, Duration.ofSeconds(2), Clock.systemUTC());
  }
}
