package health.clinicalops.auditkeeper.rest;

import static health.clinicalops.auditkeeper.support.AuditApi.DATABASE;
import static health.clinicalops.auditkeeper.support.AuditApi.asOperator;
import static health.clinicalops.auditkeeper.support.AuditApi.count;
import static health.clinicalops.auditkeeper.support.AuditApi.event;
import static health.clinicalops.auditkeeper.support.AuditApi.post;
import static health.clinicalops.auditkeeper.support.SeparateMigrationLoginPostgresTestResource.MIGRATOR;
import static health.clinicalops.auditkeeper.support.SeparateMigrationLoginPostgresTestResource.MIGRATOR_PASSWORD;
import static health.clinicalops.auditkeeper.support.SeparateMigrationLoginPostgresTestResource.RUNTIME;
import static health.clinicalops.auditkeeper.support.SeparateMigrationLoginPostgresTestResource.RUNTIME_PASSWORD;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import health.clinicalops.auditkeeper.service.WriteProbe;
import health.clinicalops.auditkeeper.support.SeparateMigrationLoginPostgresTestResource;
import health.clinicalops.auditkeeper.support.TempDirectoriesTestResource;
import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.InjectPostgres;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * "AuditLog" belongs to audit_keeper_owner, and with migrations run as a login of their own the
 * login audit-keeper writes as is not a member: it cannot switch the append-only rules off, yet
 * writes and archives as before. (Where one login does both, it is a member and could: readiness
 * says so, {@code canAlterAppendOnlyRules}.)
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(SeparateMigrationLoginPostgresTestResource.class)
@WithTestResource(TempDirectoriesTestResource.class)
class AppendOnlyOwnerTest {

  @InjectPostgres EmbeddedPostgresServer pg;

  @Inject WriteProbe probe;

  @Test
  void theRuntimeLoginCannotSwitchTheAppendOnlyRulesOff() throws Exception {
    try (Connection runtime = connect(RUNTIME, RUNTIME_PASSWORD)) {
      assertRefused(runtime, "ALTER TABLE \"AuditLog\" DISABLE TRIGGER \"AuditLog_no_update\"");
      assertRefused(runtime, "ALTER TABLE \"AuditLog\" DISABLE TRIGGER ALL");
      assertRefused(runtime, "DROP TRIGGER \"AuditLog_delete_archived_only\" ON \"AuditLog\"");
      assertRefused(runtime, "SET ROLE audit_keeper_owner");
      assertRefused(
          runtime,
          "CREATE OR REPLACE FUNCTION audit_keeper.refuse_change() RETURNS trigger"
              + " LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$");
      assertRefused(runtime, "ALTER TABLE \"AuditLog\" OWNER TO " + RUNTIME);
      assertRefused(runtime, "UPDATE \"AuditLog\" SET \"action\" = 'changed'");
    }
    // The same statement works for a member of the owning role: the refusals above are the roles'.
    try (Connection migrator = connect(MIGRATOR, MIGRATOR_PASSWORD);
        Statement s = migrator.createStatement()) {
      migrator.setAutoCommit(false);
      s.execute("ALTER TABLE \"AuditLog\" DISABLE TRIGGER \"AuditLog_no_update\"");
      migrator.rollback();
    }
    assertThat(probe.probe().canAlterRules()).isFalse();
    given()
        .get("/q/health/ready")
        .then()
        .body(
            "checks.find { it.name == 'audit-write-probe' }.data.canAlterAppendOnlyRules",
            equalTo(false));
  }

  @Test
  void theRuntimeLoginStillWritesAndArchives() throws Exception {
    try (Connection migrator = connect(MIGRATOR, MIGRATOR_PASSWORD);
        Statement s = migrator.createStatement();
        java.sql.ResultSet rs =
            s.executeQuery(
                "SELECT pg_has_role('"
                    + RUNTIME
                    + "', 'audit_keeper_writer', 'MEMBER'), pg_has_role('"
                    + RUNTIME
                    + "', 'audit_keeper_retention', 'MEMBER'), pg_has_role('"
                    + RUNTIME
                    + "', 'audit_keeper_owner', 'MEMBER')")) {
      rs.next();
      assertThat(rs.getBoolean(1)).as("writer, granted by the migration").isTrue();
      assertThat(rs.getBoolean(2)).as("retention, granted by the migration").isTrue();
      assertThat(rs.getBoolean(3)).as("owner").isFalse();
    }
    // Retention archives the oldest rows up to the first recent one: the old row goes first.
    post(event("owner-test-old", "u-o", "note.read", "2025-01-16T10:00:00Z"))
        .then()
        .statusCode(201);
    String recent = "owner-test-" + System.nanoTime();
    post(event(recent, "u-o", "note.read", java.time.Instant.now().toString()))
        .then()
        .statusCode(201);
    asOperator().post("/api/v1/archives").then().statusCode(201).body("deletedRows", equalTo(1));
    assertThat(count(pg, "\"id\" = 'owner-test-old'")).isZero();
    assertThat(count(pg, "\"id\" = '" + recent + "'")).isEqualTo(1);
  }

  private Connection connect(String user, String password) throws SQLException {
    return DriverManager.getConnection(pg.jdbcUrl(DATABASE), user, password);
  }

  private static void assertRefused(Connection c, String sql) {
    assertThatThrownBy(
            () -> {
              try (Statement s = c.createStatement()) {
                s.execute(sql);
              }
            })
        .as(sql)
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
  }
}
