package health.clinicalops.auditkeeper.rest;

import static health.clinicalops.auditkeeper.support.AuditApi.DATABASE;
import static health.clinicalops.auditkeeper.support.AuditApi.asOperator;
import static health.clinicalops.auditkeeper.support.AuditApi.event;
import static health.clinicalops.auditkeeper.support.AuditApi.postNdjson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import health.clinicalops.auditkeeper.support.FakeIncidentsResource;
import health.clinicalops.auditkeeper.support.TempDirectoriesTestResource;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.AuditFailureEvidence;
import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.InjectPostgres;
import health.clinicalops.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.ValidatableResponse;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A superuser who bypasses the append-only trigger (session_replication_role = replica) can change
 * the table, but {@code /audit/verify} finds every edit, deletion and reordering. Each test undoes
 * its tampering, so the chain is valid again afterwards.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TempDirectoriesTestResource.class)
class TamperEvidenceTest {

  @InjectPostgres EmbeddedPostgresServer pg;

  @BeforeEach
  void tenRowsAtLeast() {
    String ndjson =
        IntStream.range(0, 10)
            .mapToObj(
                i ->
                    event(
                        "t-" + System.nanoTime() + "-" + i,
                        "u-t",
                        "tamper.target",
                        "2026-03-01T10:00:00Z"))
            .collect(Collectors.joining("\n"));
    postNdjson(ndjson).then().statusCode(201);
    verify().body("valid", equalTo(true));
  }

  private static ValidatableResponse verify() {
    return asOperator().get("/api/v1/audit/verify").then().statusCode(200);
  }

  private void asSuperuserBypassingTriggers(String sql) {
    pg.execute(DATABASE, "SET session_replication_role = replica; " + sql);
  }

  @Test
  void anEditedRowIsFound() {
    asSuperuserBypassingTriggers(
        "CREATE TABLE saved AS SELECT * FROM \"AuditLog\" WHERE \"seq\" = 3;"
            + " UPDATE \"AuditLog\" SET \"action\" = 'innocent', \"details\" = '{\"x\":1}'"
            + " WHERE \"seq\" = 3");
    verify()
        .body("valid", equalTo(false))
        .body("problems", hasSize(1))
        .body("problems[0].kind", equalTo("EDITED"))
        .body("problems[0].seq", equalTo(3));
    await()
        .atMost(java.time.Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        FakeIncidentsResource.withKeyPrefix("audit-keeper/chain-broken/EDITED/3"))
                    .isNotEmpty()
                    .allSatisfy(
                        r -> {
                          assertThat(r.suspectedDataBreach()).isTrue();
                          assertThat(r.severity()).isEqualTo(Severity.P1);
                          assertThat(r.step().action()).isEqualTo("audit-keeper.chain.broken");
                          AuditFailureEvidence evidence = (AuditFailureEvidence) r.evidence();
                          assertThat(evidence.foundDuring())
                              .isEqualTo("a verification asked for by an operator");
                          assertThat(evidence.problemCount()).isEqualTo(1);
                          assertThat(evidence.problems()).containsExactly("EDITED seq 3");
                        }));
    asSuperuserBypassingTriggers(
        "UPDATE \"AuditLog\" a SET \"action\" = s.\"action\", \"details\" = s.\"details\""
            + " FROM saved s WHERE a.\"seq\" = s.\"seq\"; DROP TABLE saved");
    verify().body("valid", equalTo(true));
  }

  @Test
  void anEditWithARecomputedHashBreaksTheNextLink() {
    asSuperuserBypassingTriggers(
        "CREATE TABLE saved AS SELECT * FROM \"AuditLog\" WHERE \"seq\" = 4;"
            + " UPDATE \"AuditLog\" SET \"userId\" = 'someone-else',"
            + " \"hash\" = audit_keeper.row_hash(audit_keeper.row_content(\"id\", 'someone-else',"
            + " \"action\", \"details\", \"timestamp\", \"ipAddress\"), \"prevHash\")"
            + " WHERE \"seq\" = 4");
    verify()
        .body("valid", equalTo(false))
        .body("problems.kind", hasItem("OUT_OF_ORDER"))
        .body("problems.seq", hasItem(5));
    asSuperuserBypassingTriggers(
        "UPDATE \"AuditLog\" a SET \"userId\" = s.\"userId\", \"hash\" = s.\"hash\" FROM saved s"
            + " WHERE a.\"seq\" = s.\"seq\"; DROP TABLE saved");
    verify().body("valid", equalTo(true));
  }

  @Test
  void aDeletedRowIsFound() {
    asSuperuserBypassingTriggers(
        "CREATE TABLE saved AS SELECT * FROM \"AuditLog\" WHERE \"seq\" = 5;"
            + " DELETE FROM \"AuditLog\" WHERE \"seq\" = 5");
    verify()
        .body("valid", equalTo(false))
        .body("problems", hasSize(1))
        .body("problems[0].kind", equalTo("MISSING"))
        .body("problems[0].seq", equalTo(5))
        .body("problems[0].toSeq", equalTo(5));
    asSuperuserBypassingTriggers("INSERT INTO \"AuditLog\" SELECT * FROM saved; DROP TABLE saved");
    verify().body("valid", equalTo(true));
  }

  @Test
  void aDeletedLastRowIsFoundAgainstTheChainHead() {
    asSuperuserBypassingTriggers(
        "CREATE TABLE saved AS SELECT * FROM \"AuditLog\" ORDER BY \"seq\" DESC LIMIT 1;"
            + " DELETE FROM \"AuditLog\" WHERE \"seq\" = (SELECT \"seq\" FROM saved)");
    verify().body("valid", equalTo(false)).body("problems[0].kind", equalTo("MISSING"));
    asSuperuserBypassingTriggers("INSERT INTO \"AuditLog\" SELECT * FROM saved; DROP TABLE saved");
    verify().body("valid", equalTo(true));
  }

  @Test
  void reorderedRowsAreFound() {
    asSuperuserBypassingTriggers(
        "UPDATE \"AuditLog\" SET \"seq\" = -1 WHERE \"seq\" = 6;"
            + " UPDATE \"AuditLog\" SET \"seq\" = 6 WHERE \"seq\" = 7;"
            + " UPDATE \"AuditLog\" SET \"seq\" = 7 WHERE \"seq\" = -1");
    verify()
        .body("valid", equalTo(false))
        .body("problems.kind", hasItem("OUT_OF_ORDER"))
        .body("problems.seq", hasItem(6));
    asSuperuserBypassingTriggers(
        "UPDATE \"AuditLog\" SET \"seq\" = -1 WHERE \"seq\" = 6;"
            + " UPDATE \"AuditLog\" SET \"seq\" = 6 WHERE \"seq\" = 7;"
            + " UPDATE \"AuditLog\" SET \"seq\" = 7 WHERE \"seq\" = -1");
    verify().body("valid", equalTo(true));
  }

  @Test
  void verifyCanBeLimitedToATimeRange() {
    asOperator()
        .queryParam("from", "2026-03-01T00:00:00Z")
        .queryParam("to", "2026-03-02T00:00:00Z")
        .get("/api/v1/audit/verify")
        .then()
        .statusCode(200)
        .body("valid", equalTo(true));
    asOperator().queryParam("from", "soon").get("/api/v1/audit/verify").then().statusCode(400);
  }
}
