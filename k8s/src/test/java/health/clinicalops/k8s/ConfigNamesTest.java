package health.clinicalops.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code clinicalops.*} property and environment variable the chart gives a service names a
 * setting of that service's {@code @ConfigMapping} interfaces (or ops-kit's): a misspelt name would
 * stop the service at start-up (SmallRye refuses unknown properties under a mapping's prefix), or
 * be silently ignored as an environment variable.
 */
class ConfigNamesTest {

  static Stream<Arguments> renders() {
    return Stream.of(
        Arguments.of("default values", RenderedChart.defaults()),
        Arguments.of("production values", RenderedChart.production()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renders")
  void everyRenderedSettingExistsInTheService(String values, RenderedChart chart) {
    List<String> unknown = new ArrayList<>();
    for (String service : RenderedChart.SERVICES) {
      ConfigMappingNames names =
          ConfigMappingNames.of(ConfigMappingNames.sourceRoots().get(service));
      assertThat(names.prefixes()).contains("clinicalops." + service, "clinicalops.ops-state");
      Properties properties = chart.applicationProperties(service);
      for (String property : properties.stringPropertyNames()) {
        if (property.startsWith("clinicalops.") && !names.accepts(property)) {
          unknown.add(service + ": " + property);
        }
      }
      for (JsonNode env :
          RenderedChart.podSpec(chart.workload(service)).path("containers").get(0).path("env")) {
        String name = env.path("name").asText();
        if (name.startsWith("CLINICALOPS_")
            && !name.startsWith("CLINICALOPS_WEBHOOK_")
            && !names.acceptsEnv(name)) {
          unknown.add(service + ": env " + name);
        }
      }
    }
    assertThat(unknown).as("settings no @ConfigMapping declares").isEmpty();
  }

  @org.junit.jupiter.api.Test
  void refusesNamesNoMappingDeclares() {
    ConfigMappingNames names =
        ConfigMappingNames.of(ConfigMappingNames.sourceRoots().get("auth-guard"));

    assertThat(names.accepts("clinicalops.auth-guard.policies.AUTH.limit")).isTrue();
    assertThat(names.accepts("clinicalops.ops-state.config-map-name")).isTrue();
    assertThat(names.acceptsEnv("CLINICALOPS_SECURITY_OPERATOR_TOKENS")).isTrue();
    assertThat(names.accepts("clinicalops.auth-guard.policies.AUTH.max-requests")).isFalse();
    assertThat(names.accepts("clinicalops.auth-guard.abuse.failure-threshold")).isFalse();
    assertThat(names.acceptsEnv("CLINICALOPS_SECURITY_OPERATOR_TOKEN")).isFalse();
  }
}
