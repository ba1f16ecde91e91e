package health.clinicalops.rollbackorchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import health.clinicalops.rollbackorchestrator.rollback.service.AppDatabase;
import health.clinicalops.rollbackorchestrator.rollback.service.DatabaseStepFailed;
import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.InjectPostgres;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The database rollback's own calls to the app database give up in bounded time: a query stuck
 * behind a lock ends at the statement timeout, and a database that answers nothing at all (a hung
 * network path, here the server's processes stopped) ends at the network timeouts, instead of
 * holding a runner thread forever. The tests' timeouts are a few seconds (application.properties,
 * %test).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
class AppDatabaseTimeoutTest {

  static final String APP = OrchestratorPostgresResource.APP_DATABASE;

  @InjectPostgres EmbeddedPostgresServer postgres;
  @Inject AppDatabase appDatabase;

  @BeforeEach
  void appTables() {
    postgres.execute(
        APP,
        """
        DROP TABLE IF EXISTS "User", "ClinicalNote", "AuditLog";
        DROP SCHEMA IF EXISTS audit_keeper CASCADE;
        CREATE TABLE "User" (id SERIAL PRIMARY KEY, email TEXT NOT NULL);
        CREATE TABLE "ClinicalNote" (id SERIAL PRIMARY KEY, body TEXT NOT NULL);
        CREATE TABLE "AuditLog" (id SERIAL PRIMARY KEY, action TEXT NOT NULL);
        """);
  }

  @Test
  void aCountStuckBehindALockEndsAtTheStatementTimeout() throws Exception {
    try (Connection locker = postgres.connect(APP);
        Statement s = locker.createStatement()) {
      locker.setAutoCommit(false);
      s.execute("LOCK TABLE \"ClinicalNote\" IN ACCESS EXCLUSIVE MODE");

      CompletableFuture<Object> counts = countRowsInTheBackground();

      assertThatThrownBy(() -> counts.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(DatabaseStepFailed.class)
          .cause()
          .hasMessageContaining("cannot count rows")
          .hasMessageContaining("statement timeout");
      locker.rollback();
    }
  }

  @Test
  void aDatabaseThatStopsAnsweringMidQueryFailsWithinTheSocketTimeout() throws Exception {
    try (Connection locker = postgres.connect(APP);
        Statement s = locker.createStatement()) {
      locker.setAutoCommit(false);
      s.execute("LOCK TABLE \"ClinicalNote\" IN ACCESS EXCLUSIVE MODE");
      CompletableFuture<Object> counts = countRowsInTheBackground();
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(countsWaitingForTheLock()).isEqualTo(1));

      long frozenAt = System.nanoTime();
      try {
        postgres.freeze();
        assertThatThrownBy(() -> counts.get(10, TimeUnit.SECONDS))
            .hasCauseInstanceOf(DatabaseStepFailed.class)
            .cause()
            .hasMessageContaining("cannot count rows");
        assertThat(Duration.ofNanos(System.nanoTime() - frozenAt))
            .isLessThan(Duration.ofSeconds(8));
      } finally {
        postgres.thaw();
      }
      locker.rollback();
    }
    assertThat(appDatabase.rowCounts()).containsEntry("ClinicalNote", 0L);
  }

  @Test
  void aDatabaseThatAnswersNothingRefusesNewConnectionsWithinTheLoginTimeout() throws Exception {
    long frozenAt = System.nanoTime();
    try {
      postgres.freeze();
      assertThatThrownBy(() -> countRowsInTheBackground().get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(DatabaseStepFailed.class)
          .cause()
          .hasMessageContaining("cannot count rows");
      assertThat(Duration.ofNanos(System.nanoTime() - frozenAt)).isLessThan(Duration.ofSeconds(8));
    } finally {
      postgres.thaw();
    }
    assertThat(appDatabase.rowCounts()).containsEntry("User", 0L);
  }

  private long countsWaitingForTheLock() throws Exception {
    try (Connection observer = postgres.connect(APP);
        Statement s = observer.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    + " AND query LIKE 'SELECT count(*) FROM \"ClinicalNote\"%'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private CompletableFuture<Object> countRowsInTheBackground() {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return appDatabase.rowCounts();
          } catch (DatabaseStepFailed e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        });
  }
}
