package health.clinicalops.dbsentinel;

import static health.clinicalops.testing.MeterDescriptions.assertEveryMeterDescribed;

import health.clinicalops.dbsentinel.testsupport.SentinelDatabasesTestResource;
import health.clinicalops.testing.PlatformEndpointsContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(SentinelDatabasesTestResource.class)
class PlatformEndpointsTest extends PlatformEndpointsContract {

  @Test
  void everyDbSentinelMeterHasADescription() {
    assertEveryMeterDescribed(
        "clinicalops_db_sentinel_",
        "clinicalops_db_sentinel_state",
        "clinicalops_db_sentinel_circuit_state",
        "clinicalops_db_sentinel_leader",
        "clinicalops_db_sentinel_backup_reachable");
  }
}
