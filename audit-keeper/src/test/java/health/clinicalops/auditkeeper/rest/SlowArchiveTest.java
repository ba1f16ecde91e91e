package health.clinicalops.auditkeeper.rest;

import static health.clinicalops.auditkeeper.support.AuditApi.DATABASE;
import static health.clinicalops.auditkeeper.support.AuditApi.count;
import static health.clinicalops.auditkeeper.support.AuditApi.event;
import static health.clinicalops.auditkeeper.support.AuditApi.postNdjson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import health.clinicalops.auditkeeper.domain.ArchiveResult;
import health.clinicalops.auditkeeper.service.ArchiveService;
import health.clinicalops.auditkeeper.support.TempDirectoriesTestResource;
import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.InjectPostgres;
import health.clinicalops.testing.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * An archive statement that waits longer than the datasource's {@code socketTimeout} (here 1 s, 15
 * s in production) still completes: archive statements have their own, longer timeout. The DELETE
 * is made to wait by a row lock that another session holds for 3 s.
 */
@QuarkusTest
@TestProfile(SlowArchiveTest.OneSecondSocketTimeout.class)
@WithKubernetesTestServer(crud = true)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TempDirectoriesTestResource.class)
class SlowArchiveTest {

  public static class OneSecondSocketTimeout implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.datasource.jdbc.additional-jdbc-properties.socketTimeout", "1");
    }
  }

  static final int OLD = 20;

  /** Longer than the 1 s socket timeout, so that the old behaviour would have given up. */
  static final Duration DELETE_BLOCKED = Duration.ofMillis(1500);

  static final int POOL_SIZE = 16;

  @InjectPostgres EmbeddedPostgresServer pg;
  @Inject ArchiveService archives;
  @Inject AgroalDataSource dataSource;

  /**
   * Whether the archive's DELETE has been waiting for a lock for longer than {@code d}; {@code c}
   * must be in autocommit (a transaction sees one snapshot of pg_stat_activity and one now()).
   */
  static boolean archiveDeleteWaitingLongerThan(Connection c, Duration d) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                + " AND query LIKE 'DELETE FROM \"AuditLog\"%'"
                + " AND clock_timestamp() - query_start > make_interval(secs => ?)")) {
      ps.setDouble(1, d.toMillis() / 1000.0);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  @Test
  void aDeleteThatWaitsLongerThanTheSocketTimeoutStillArchivesAndTheWritePathKeepsItsTimeout()
      throws Exception {
    String old = Instant.now().minus(Duration.ofDays(100)).toString();
    postNdjson(
            IntStream.range(0, OLD)
                .mapToObj(i -> event("old-" + i, "u-s", "note.read", old))
                .collect(Collectors.joining("\n")))
        .then()
        .statusCode(201);

    CountDownLatch locked = new CountDownLatch(1);
    CompletableFuture<Void> lockHolder =
        CompletableFuture.runAsync(
            () -> {
              try (Connection c = pg.connect(DATABASE);
                  Statement s = c.createStatement();
                  Connection observer = pg.connect(DATABASE)) {
                c.setAutoCommit(false);
                s.execute("SELECT 1 FROM \"AuditLog\" WHERE \"id\" = 'old-0' FOR UPDATE");
                locked.countDown();
                await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> archiveDeleteWaitingLongerThan(observer, DELETE_BLOCKED));
                c.commit();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();

    long started = System.nanoTime();
    ArchiveResult result = archives.archive("test");
    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    lockHolder.get(10, TimeUnit.SECONDS);

    assertThat(waitedMillis).as("the DELETE waited for the lock").isGreaterThan(1000);
    assertThat(result.archived()).isTrue();
    assertThat(result.deletedRows()).isEqualTo(OLD);
    assertThat(count(pg, "\"id\" LIKE 'old-%'")).isZero();

    // Every pooled connection, the archive's among them, is back to the 1 s write-path timeout.
    List<Connection> all = new ArrayList<>();
    try {
      for (int i = 0; i < POOL_SIZE; i++) {
        all.add(dataSource.getConnection());
      }
      for (Connection c : all) {
        assertThat(c.getNetworkTimeout()).isEqualTo(1000);
      }
    } finally {
      for (Connection c : all) {
        c.close();
      }
    }
  }
}
