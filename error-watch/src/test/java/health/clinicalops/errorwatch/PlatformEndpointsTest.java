package health.clinicalops.errorwatch;

import health.clinicalops.testing.PlatformEndpointsContract;
import health.clinicalops.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(PostgresTestResource.class)
class PlatformEndpointsTest extends PlatformEndpointsContract {}
