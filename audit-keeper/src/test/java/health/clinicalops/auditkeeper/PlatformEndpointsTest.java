package health.clinicalops.auditkeeper;

import static health.clinicalops.testing.MeterDescriptions.assertEveryMeterDescribed;

import health.clinicalops.auditkeeper.support.TempDirectoriesTestResource;
import health.clinicalops.testing.PlatformEndpointsContract;
import health.clinicalops.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TempDirectoriesTestResource.class)
class PlatformEndpointsTest extends PlatformEndpointsContract {

  /** All of audit-keeper's meters are registered at start, so all of them are checked here. */
  @Test
  void everyAuditKeeperMeterHasADescription() {
    assertEveryMeterDescribed(
        "clinicalops_audit_keeper_",
        "clinicalops_audit_keeper_events_accepted",
        "clinicalops_audit_keeper_events_written",
        "clinicalops_audit_keeper_events_spooled",
        "clinicalops_audit_keeper_events_replayed",
        "clinicalops_audit_keeper_replay_failures",
        "clinicalops_audit_keeper_events_quarantined",
        "clinicalops_audit_keeper_spool_depth",
        "clinicalops_audit_keeper_spool_oldest_age_seconds",
        "clinicalops_audit_keeper_probe_ok",
        "clinicalops_audit_keeper_database_size_bytes",
        "clinicalops_audit_keeper_database_quota_bytes",
        "clinicalops_audit_keeper_database_quota_ratio",
        "clinicalops_audit_keeper_last_archive_timestamp_seconds",
        "clinicalops_audit_keeper_last_archive_rows");
  }
}
