package health.clinicalops.authguard;

import static health.clinicalops.authguard.support.Api.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import health.clinicalops.opskit.dryrun.DryRun;
import health.clinicalops.testing.PostgresTestResource;
import health.clinicalops.testing.RedisTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A deployment still setting the former {@code shadow-mode} starts, and runs dry. */
@QuarkusTest
@TestProfile(DeprecatedShadowModeNameTest.FormerName.class)
@WithKubernetesTestServer(crud = true)
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "auth_guard"))
@WithTestResource(RedisTestResource.class)
class DeprecatedShadowModeNameTest {

  /** The test settings with the dry run asked for by its former name. */
  public static class FormerName implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("clinicalops.auth-guard.shadow-mode", "true");
    }
  }

  @Inject DryRun dryRun;

  @Test
  void theFormerNameStillTurnsTheDryRunOn() {
    assertThat(dryRun.enabled()).isTrue();
    String key = "former-name-" + UUID.randomUUID();
    for (int i = 0; i < 5; i++) {
      check(key, "AUTH").statusCode(200);
    }
    check(key, "AUTH")
        .statusCode(200)
        .body("allowed", equalTo(true))
        .body("shadowRefused", equalTo(true));
  }
}
