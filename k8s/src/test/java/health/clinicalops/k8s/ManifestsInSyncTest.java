package health.clinicalops.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code k8s/manifests/clinical-ops.yaml} is the chart rendered with default values (release and
 * namespace {@code clinical-ops}, tokens Secret left to the operator). After changing the chart,
 * regenerate it with {@code ./mvnw -B -pl k8s verify -Dk8s.updateManifests=true}.
 */
class ManifestsInSyncTest {

  static final Path MANIFEST = KubeTools.moduleDir().resolve("manifests/clinical-ops.yaml");

  static final String HEADER =
      """
      # Plain manifests of the clinical-ops chart, rendered with default values for release and
      # namespace "clinical-ops". Generated: do not edit; change k8s/helm/clinical-ops and run
      #   ./mvnw -B -pl k8s verify -Dk8s.updateManifests=true
      # Before applying, create the namespace and the Secrets the manifests use (k8s/README.md):
      #   clinical-ops-tokens (token-<service> for each of the five services, service-token-sha256,
      #   app-token-sha256, operator-token-sha256) and
      #   clinical-app-db (jdbc-url, username, password).
      """;

  static String expected() {
    return HEADER + RenderedChart.render(RenderedChart.MANIFEST_ARGS.toArray(String[]::new)).yaml();
  }

  @Test
  void manifestsEqualTheDefaultRender() throws IOException {
    String expected = expected();
    if (Boolean.getBoolean("k8s.updateManifests")) {
      Files.createDirectories(MANIFEST.getParent());
      Files.writeString(MANIFEST, expected);
    }
    assertThat(MANIFEST).exists();
    assertThat(Files.readString(MANIFEST))
        .as("k8s/manifests is stale: run ./mvnw -B -pl k8s verify -Dk8s.updateManifests=true")
        .isEqualTo(expected);
  }

  @Test
  void manifestsDifferFromTheDefaultsOnlyByTheOperatorsTokensSecret() {
    RenderedChart manifests = new RenderedChart(expected(), RenderedChart.parse(expected()));
    RenderedChart defaults = RenderedChart.defaults();

    assertThat(manifests.find("Secret", "clinical-ops-tokens")).isEmpty();
    assertThat(defaults.find("Secret", "clinical-ops-tokens")).isPresent();
    assertThat(manifests.objects()).hasSize(defaults.objects().size() - 1);
    assertThat(manifests.objects())
        .containsAll(
            defaults.objects().stream()
                .filter(o -> !o.path("kind").asText().equals("Secret"))
                .toList());
  }
}
