package health.clinicalops.opskit.opsstate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithKubernetesTestServer(crud = true)
class OpsStateWatchAndWriteTest {

  @Inject OpsStateWriter writer;
  @Inject OpsStateWatcher watcher;
  @Inject KubernetesClient client;
  @Inject ChangeRecorder recorder;

  /** Records every change event the watcher fires. */
  @Singleton
  static class ChangeRecorder {
    final List<OpsStateChanged> events = new CopyOnWriteArrayList<>();

    void onChange(@Observes OpsStateChanged change) {
      events.add(change);
    }
  }

  @BeforeEach
  void startFromNormal() {
    writer.update(
        data -> {
          data.clear();
          data.put(OpsStateKeys.MODE, Mode.NORMAL.wireValue());
        });
    await().atMost(Duration.ofSeconds(2)).until(() -> watcher.effectiveMode() == Mode.NORMAL);
    recorder.events.clear();
  }

  /**
   * The check and the write are one step against the ConfigMap itself: a service that saw "normal"
   * a moment ago never overwrites the maintenance a person set since.
   */
  @Test
  void aServicesModeChangeNeverOverridesWhatAPersonSetSince() {
    OpsState seenByService = writer.read();
    assertThat(seenByService.modeSetting().mode()).isEqualTo(Mode.NORMAL);
    writer.setMode(Mode.MAINTENANCE, "restore in progress", "operator:1a2b3c4d", Optional.empty());

    Optional<OpsState> written =
        writer.setModeAsService(
            Mode.READ_ONLY,
            "database down",
            "service:db-sentinel",
            Optional.of(Duration.ofSeconds(30)));

    assertThat(written).isEmpty();
    ModeSetting now = writer.read().modeSetting();
    assertThat(now.mode()).isEqualTo(Mode.MAINTENANCE);
    assertThat(now.setBy()).isEqualTo("operator:1a2b3c4d");
    assertThat(
            writer.setModeAsService(Mode.NORMAL, "restore done?", "service:app", Optional.empty()))
        .isEmpty();
    assertThat(writer.read().modeSetting().mode()).isEqualTo(Mode.MAINTENANCE);
  }

  @Test
  void aKubectlStylePatchReachesTheServiceWithinOneSecond() {
    client
        .configMaps()
        .inNamespace(watcher.namespace())
        .withName("clinical-ops-state")
        .edit(
            cm ->
                new ConfigMapBuilder(cm)
                    .addToData("mode", "maintenance")
                    .addToData("mode.setBy", "alice")
                    .build());
    await().atMost(Duration.ofSeconds(1)).until(() -> watcher.effectiveMode() == Mode.MAINTENANCE);
    await()
        .atMost(Duration.ofSeconds(1))
        .until(() -> recorder.events.stream().anyMatch(e -> e.effectiveMode() == Mode.MAINTENANCE));
    assertTrue(watcher.isWatching());
  }

  @Test
  void aHugeNumberInAnOverrideIsIgnoredAndLaterChangesStillApply() {
    patch(
        Map.of(
            "ratelimit.override.WRITE", "60/9999999999999999m;expiresAt=2099-01-01T00:00:00Z",
            "ratelimit.override.READ", "99999999999999999999/1m;expiresAt=2099-01-01T00:00:00Z",
            "mode", "maintenance",
            "mode.setBy", "alice"));
    await()
        .atMost(Duration.ofSeconds(1))
        .untilAsserted(() -> assertThat(watcher.effectiveMode()).isEqualTo(Mode.MAINTENANCE));
    assertThat(watcher.current().rateLimitOverrides()).isEmpty();
    assertThat(watcher.current().problems()).hasSize(2);

    patch(Map.of("mode", "read-only"));
    await()
        .atMost(Duration.ofSeconds(1))
        .untilAsserted(() -> assertThat(watcher.effectiveMode()).isEqualTo(Mode.READ_ONLY));
  }

  @Test
  void anUnknownModeIsEnforcedAsMaintenanceAndShownInReadiness() {
    patch(Map.of("mode", "maintenence", "mode.setBy", "alice"));
    await()
        .atMost(Duration.ofSeconds(1))
        .untilAsserted(() -> assertThat(watcher.effectiveMode()).isEqualTo(Mode.MAINTENANCE));
    given()
        .get("/q/health/ready")
        .then()
        .body(
            "checks.find { it.name == 'ops-state' }.data.mode",
            equalTo("maintenance"),
            "checks.find { it.name == 'ops-state' }.data.problems",
            containsString("mode: unknown value 'maintenence', treated as maintenance"));
  }

  private void patch(Map<String, String> data) {
    client
        .configMaps()
        .inNamespace(watcher.namespace())
        .withName("clinical-ops-state")
        .edit(cm -> new ConfigMapBuilder(cm).addToData(data).build());
  }

  @Test
  void aConflictingWriteIsRetriedAndBothChangesSurvive() {
    AtomicInteger attempts = new AtomicInteger();
    writer.update(
        data -> {
          if (attempts.getAndIncrement() == 0) {
            // Another service writes between our read and our write: our write must conflict.
            writer.update(other -> other.put(OpsStateKeys.DATABASE_TARGET, "backup"));
          }
          data.put(OpsStateKeys.MODE, "read-only");
        });
    assertEquals(2, attempts.get(), "the first write conflicted and was re-applied");
    OpsState stored = writer.read();
    assertEquals(Mode.READ_ONLY, stored.modeSetting().mode());
    assertEquals(DatabaseTarget.BACKUP, stored.databaseTarget());
  }

  @Test
  void twoWritersRacingLoseNothing() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> done = new CopyOnWriteArrayList<>();
      for (String writerName : List.of("a", "b")) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 15; i++) {
                    String key = "ratelimit.override.P" + writerName + i;
                    writer.update(data -> data.put(key, "10/1m;expiresAt=2099-01-01T00:00:00Z"));
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(30, writer.read().rateLimitOverrides().size());
  }

  @Test
  void aModeLeaseThatRunsOutFallsBackToNormal() {
    writer.setMode(
        Mode.READ_ONLY, "primary unreachable", "db-sentinel", Optional.of(Duration.ofMillis(800)));
    await().atMost(Duration.ofSeconds(1)).until(() -> watcher.effectiveMode() == Mode.READ_ONLY);
    await()
        .atMost(Duration.ofSeconds(2))
        .until(
            () ->
                recorder.events.stream()
                    .anyMatch(
                        e ->
                            e.effectiveMode() == Mode.NORMAL
                                && e.current().modeSetting().mode() == Mode.READ_ONLY));
    assertEquals(Mode.NORMAL, watcher.effectiveMode());
  }

  @Test
  void renewingKeepsALeaseAliveAndOnlyItsSetterMayRenewOrClear() {
    writer.setMode(
        Mode.READ_ONLY, "primary unreachable", "db-sentinel", Optional.of(Duration.ofSeconds(1)));
    assertTrue(writer.renewModeLease("db-sentinel", Duration.ofMinutes(5)));
    assertFalse(writer.renewModeLease("auth-guard", Duration.ofMinutes(5)));
    assertFalse(writer.clearMode("auth-guard", "not mine"));
    assertEquals(Mode.READ_ONLY, writer.read().modeSetting().mode());

    writer.setMode(Mode.MAINTENANCE, "rollback", "alice", Optional.empty());
    assertFalse(writer.clearMode("db-sentinel", "primary back"), "never undoes alice's mode");
    assertFalse(writer.renewModeLease("db-sentinel", Duration.ofMinutes(5)));
    assertEquals(Mode.MAINTENANCE, writer.read().modeSetting().mode());
    assertTrue(writer.clearMode("alice", "done"));
    assertEquals(Mode.NORMAL, writer.read().modeSetting().mode());
  }

  @Test
  void typedWritesUseTheContractKeys() {
    writer.setDatabaseTarget(DatabaseTarget.BACKUP);
    writer.putRateLimitOverride(
        new RateLimitOverride(
            "WRITE", 60, Duration.ofMinutes(1), java.time.Instant.parse("2099-01-01T00:00:00Z")));
    Map<String, String> data =
        client
            .configMaps()
            .inNamespace(watcher.namespace())
            .withName("clinical-ops-state")
            .get()
            .getData();
    assertEquals("backup", data.get("database.target"));
    assertEquals("60/1m;expiresAt=2099-01-01T00:00:00Z", data.get("ratelimit.override.WRITE"));
    writer.removeRateLimitOverride("WRITE");
    assertFalse(writer.read().rateLimitOverrides().containsKey("WRITE"));
  }
}
