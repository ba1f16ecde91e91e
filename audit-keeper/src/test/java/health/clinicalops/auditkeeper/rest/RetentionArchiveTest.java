package health.clinicalops.auditkeeper.rest;

import static health.clinicalops.auditkeeper.support.AuditApi.DATABASE;
import static health.clinicalops.auditkeeper.support.AuditApi.asOperator;
import static health.clinicalops.auditkeeper.support.AuditApi.count;
import static health.clinicalops.auditkeeper.support.AuditApi.event;
import static health.clinicalops.auditkeeper.support.AuditApi.postNdjson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.auditkeeper.config.AuditKeeperConfig;
import health.clinicalops.auditkeeper.domain.ArchiveManifest;
import health.clinicalops.auditkeeper.service.ArchiveService;
import health.clinicalops.auditkeeper.support.FakeIncidentsResource;
import health.clinicalops.auditkeeper.support.TempDirectoriesTestResource;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.AuditFailureEvidence;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.InjectPostgres;
import health.clinicalops.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Retention: old rows go to a verified gzip CSV with a manifest before they are deleted, a
 * corrupted archive stops the delete, and the chain stays verifiable across the tombstone.
 */
@QuarkusTest
@TestProfile(RetentionArchiveTest.OwnApplication.class)
@WithKubernetesTestServer(crud = true)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TempDirectoriesTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetentionArchiveTest {

  /**
   * Its own application and database: the first rows of "AuditLog" are this test's old ones, with
   * no own audit event of audit-keeper (a step of an incident) before them that is too young to be
   * archived.
   */
  public static class OwnApplication implements QuarkusTestProfile {}

  static final int OLD = 40;
  static final int RECENT = 10;

  @InjectPostgres EmbeddedPostgresServer pg;
  @Inject ArchiveService archives;
  @Inject AuditKeeperConfig config;
  @Inject ObjectMapper mapper;

  @Test
  @Order(1)
  void aCorruptedArchiveStopsTheDelete() throws Exception {
    String old = Instant.now().minus(Duration.ofDays(100)).toString();
    String recent = Instant.now().minus(Duration.ofDays(1)).toString();
    postNdjson(
            IntStream.range(0, OLD)
                .mapToObj(i -> event("old-" + i, "u-r", "note.read", old))
                .collect(Collectors.joining("\n")))
        .then()
        .statusCode(201);
    postNdjson(
            IntStream.range(0, RECENT)
                .mapToObj(i -> event("recent-" + i, "u-r", "note.read", recent))
                .collect(Collectors.joining("\n")))
        .then()
        .statusCode(201);

    Optional<ArchiveManifest> manifest =
        archives.export(Instant.now().minus(config.retention().maxAge()));
    assertThat(manifest).isPresent();
    assertThat(manifest.get().rowCount()).isEqualTo(OLD);
    Path file = config.retention().directory().resolve(manifest.get().file());
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(file, bytes);

    assertThatThrownBy(() -> archives.verifyAndDelete(manifest.get()))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining("no row was deleted");
    assertThat(count(pg, "\"id\" LIKE 'old-%'")).isEqualTo(OLD);
    String key = "audit-keeper/archive-verification/" + manifest.get().file();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              List<IncidentReport> reports = FakeIncidentsResource.withKeyPrefix(key);
              assertThat(reports).isNotEmpty();
              assertThat(reports.get(0).step().action())
                  .isEqualTo("audit-keeper.archive.verification-failed");
              AuditFailureEvidence evidence = (AuditFailureEvidence) reports.get(0).evidence();
              assertThat(evidence.file()).isEqualTo(manifest.get().file());
              assertThat(evidence.reason()).startsWith("SHA-256 of the file is");
            });
    assertThat(
            count(
                pg,
                "\"action\" = 'audit-keeper.archive.verification-failed'"
                    + " AND \"details\"->>'incident' = '"
                    + key
                    + "'"))
        .isEqualTo(1);
  }

  @Test
  @Order(2)
  void rowsChangedBehindTheAppendOnlyRulesAreNeitherArchivedNorDeletedAndRaiseABreach()
      throws Exception {
    String tampered = "UPDATE \"AuditLog\" SET \"action\" = 'innocent' WHERE \"id\" = 'old-4'";
    pg.execute(DATABASE, "SET session_replication_role = replica; " + tampered);
    try {
      asOperator()
          .post("/api/v1/archives")
          .then()
          .statusCode(409)
          .contentType("application/problem+json")
          .body("detail", containsString("hash chain"));
      assertThat(count(pg, "\"id\" LIKE 'old-%'")).isEqualTo(OLD);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                List<IncidentReport> breach =
                    FakeIncidentsResource.withKeyPrefix("audit-keeper/chain-broken/EDITED/");
                assertThat(breach).isNotEmpty();
                assertThat(breach.get(0).severity()).isEqualTo(Severity.P1);
                assertThat(breach.get(0).suspectedDataBreach()).isTrue();
                assertThat(((AuditFailureEvidence) breach.get(0).evidence()).foundDuring())
                    .startsWith("the archive of rows");
              });
    } finally {
      pg.execute(
          DATABASE,
          "SET session_replication_role = replica; UPDATE \"AuditLog\" SET \"action\" ="
              + " 'note.read' WHERE \"id\" = 'old-4'");
    }
  }

  @Test
  @Order(3)
  void oldRowsAreArchivedVerifiedAndDeletedAndTheChainStillVerifies() throws Exception {
    String fileName =
        asOperator()
            .post("/api/v1/archives")
            .then()
            .statusCode(201)
            .body("archived", equalTo(true))
            .body("deletedRows", equalTo(OLD))
            .body("manifest.rowCount", equalTo(OLD))
            .body("manifest.firstSeq", equalTo(1))
            .body("manifest.lastSeq", equalTo(OLD))
            .extract()
            .path("manifest.file");
    Path file = config.retention().directory().resolve(fileName);
    ArchiveManifest manifest =
        mapper.readValue(
            Files.readAllBytes(archives.manifestPath(fileName)), ArchiveManifest.class);

    String sha =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    assertThat(sha).isEqualTo(manifest.sha256());
    List<String> lines;
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      lines = reader.lines().toList();
    }
    assertThat(lines.get(0)).startsWith("id,userId,action,details,timestamp,ipAddress,seq");
    assertThat(lines).hasSize(OLD + 1);
    assertThat(manifest.rowCount()).isEqualTo(OLD);
    assertThat(lines.get(OLD)).startsWith("old-" + (OLD - 1) + ",").contains(manifest.chainHead());

    assertThat(count(pg, "\"id\" LIKE 'old-%'")).isZero();
    assertThat(count(pg, "\"id\" LIKE 'recent-%'")).isEqualTo(RECENT);
    asOperator()
        .get("/api/v1/audit/verify")
        .then()
        .statusCode(200)
        .body("valid", equalTo(true))
        .body("tombstonesCrossed", equalTo(1))
        .body("firstSeq", equalTo(OLD + 1));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> count(pg, "\"action\" = 'audit-keeper.archive.completed'") == 1);
    assertThat(DatabaseOutageTest.metric("clinicalops_audit_keeper_last_archive_rows"))
        .isEqualTo(OLD);

    // Nothing is old enough any more: 200, nothing archived.
    asOperator().post("/api/v1/archives").then().statusCode(200).body("archived", equalTo(false));
  }

  @Test
  @Order(4)
  void theRetentionRoleMayDeleteOnlyArchivedRows() {
    assertThatThrownBy(
            () ->
                pg.execute(
                    "clinicalops",
                    "SET ROLE audit_keeper_retention; DELETE FROM \"AuditLog\" WHERE \"id\" ="
                        + " 'recent-0'"))
        .hasMessageContaining("not covered by an archive checkpoint");
  }
}
