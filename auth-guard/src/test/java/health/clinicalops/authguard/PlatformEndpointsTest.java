package health.clinicalops.authguard;

import static health.clinicalops.authguard.support.Api.check;
import static health.clinicalops.testing.MeterDescriptions.assertEveryMeterDescribed;

import health.clinicalops.testing.PlatformEndpointsContract;
import health.clinicalops.testing.PostgresTestResource;
import health.clinicalops.testing.RedisTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "auth_guard"))
@WithTestResource(RedisTestResource.class)
class PlatformEndpointsTest extends PlatformEndpointsContract {

  @Test
  void everyAuthGuardMeterHasADescription() {
    check("described-" + UUID.randomUUID(), "AUTH").statusCode(200);
    assertEveryMeterDescribed(
        "clinicalops_auth_guard_",
        "clinicalops_auth_guard_decisions",
        "clinicalops_auth_guard_redis_fallback_active");
  }
}
