package health.clinicalops.auditkeeper.rest;

import static health.clinicalops.auditkeeper.support.AuditApi.asOperator;
import static health.clinicalops.auditkeeper.support.AuditApi.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import health.clinicalops.auditkeeper.support.FakeIncidentsResource;
import health.clinicalops.auditkeeper.support.TempDirectoriesTestResource;
import health.clinicalops.opskit.clients.AuditEvent;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.AuditFailureEvidence;
import health.clinicalops.opskit.evidence.Runbooks;
import health.clinicalops.opskit.journal.StepAuditor;
import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.InjectPostgres;
import health.clinicalops.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * audit-keeper's own runbook steps are audit events in its own "AuditLog", written through its own
 * write path (not sent over HTTP to itself): here the step of the storage quota incident, which the
 * profile's quota (one the test database already exceeds) opens at the first probe.
 */
@QuarkusTest
@TestProfile(OwnAuditEventsTest.TinyQuota.class)
@WithKubernetesTestServer(crud = true)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TempDirectoriesTestResource.class)
class OwnAuditEventsTest {

  /** A 1 MB quota: the database (several MB when empty) is over 90% of it at the first probe. */
  public static class TinyQuota implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("clinicalops.audit-keeper.probe.database-quota", "1M");
    }
  }

  private static final String QUOTA_KEY = "audit-keeper/storage-quota";

  @InjectPostgres EmbeddedPostgresServer pg;
  @Inject StepAuditor auditor;

  @Test
  void aDatabaseOverNinetyPercentOfItsQuotaOpensAnIncidentWhoseStepIsInTheAuditLog() {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              List<IncidentReport> reports = FakeIncidentsResource.withKeyPrefix(QUOTA_KEY);
              assertThat(reports).isNotEmpty();
              IncidentReport opened = reports.get(0);
              assertThat(opened.dedupKey()).isEqualTo(QUOTA_KEY);
              assertThat(opened.severity()).isEqualTo(Severity.P2);
              assertThat(opened.resolved()).isFalse();
              assertThat(opened.step().action()).isEqualTo("audit-keeper.quota.exceeded");
              assertThat(opened.step().detail()).contains("POST /api/v1/archives");
              AuditFailureEvidence evidence = (AuditFailureEvidence) opened.evidence();
              assertThat(evidence.quotaBytes()).isEqualTo(1024L * 1024);
              assertThat(evidence.databaseSizeBytes()).isGreaterThan(evidence.quotaBytes());
              assertThat(evidence.ratio()).isGreaterThanOrEqualTo(0.9);
              assertThat(
                      count(
                          pg,
                          "\"action\" = 'audit-keeper.quota.exceeded'"
                              + " AND \"userId\" = 'audit-keeper'"
                              + " AND \"details\"->>'incident' = '"
                              + QUOTA_KEY
                              + "' AND \"details\"->>'runbook' = '"
                              + Runbooks.AUDIT_LOG_FAILURE
                              + "' AND \"details\"->>'detail' = '"
                              + opened.step().detail()
                              + "'"))
                  .isEqualTo(1);
            });
    asOperator().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
  }

  /**
   * The event is in "AuditLog" when the call returns (the outbox would deliver it later), with its
   * own id, actor, action, details and timestamp, and says it came from audit-keeper itself.
   */
  @Test
  void anOwnAuditEventIsStoredThroughTheWritePathAsItIs() throws Exception {
    String id = UUID.randomUUID().toString();
    auditor.audit(
        new AuditEvent(
            id,
            "audit-keeper",
            "audit-keeper.test.step",
            Map.of("detail", "a step", "count", 3),
            Instant.parse("2026-02-01T10:00:00Z"),
            null));

    assertThat(
            count(
                pg,
                "\"id\" = '"
                    + id
                    + "' AND \"userId\" = 'audit-keeper' AND \"action\" = 'audit-keeper.test.step'"
                    + " AND \"details\" = '{\"detail\": \"a step\", \"count\": 3,"
                    + " \"receivedFrom\": {\"caller\": \"audit-keeper\", \"role\": \"service\"}}'::jsonb"
                    + " AND \"timestamp\" = '2026-02-01T10:00:00Z'"))
        .isEqualTo(1);
  }
}
