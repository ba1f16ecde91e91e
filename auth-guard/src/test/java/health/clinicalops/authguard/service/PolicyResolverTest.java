package health.clinicalops.authguard.service;

import static org.assertj.core.api.Assertions.assertThat;

import health.clinicalops.testing.PostgresTestResource;
import health.clinicalops.testing.RedisTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** Policy names come from callers: asking for a million unknown ones holds nothing more. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "auth_guard"))
@WithTestResource(RedisTestResource.class)
class PolicyResolverTest {

  @Inject PolicyResolver policies;

  @Test
  void aMillionUnknownPolicyNamesAreNotCached() {
    int configured = policies.names().size();
    for (int i = 0; i < 1_000_000; i++) {
      assertThat(policies.resolve("AUTH.tier-" + i)).isEmpty();
      assertThat(policies.resolve("POLICY-" + i)).isEmpty();
    }
    assertThat(policies.resolve("AUTH"))
        .hasValueSatisfying(p -> assertThat(p.limit()).isEqualTo(5));
    assertThat(policies.cachedPolicies()).isLessThanOrEqualTo(configured);
  }
}
