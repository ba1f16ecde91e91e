package health.clinicalops.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
      #   app-token-sha256, operator-token-sha256),
      #   clinical-ops-postgres (the bundled ops database: username, password, and jdbc-url
      #   jdbc:postgresql://clinical-ops-postgres:5432/clinical_ops) and
      #   clinical-app-db (the app database: jdbc-url, username, password).
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
  void manifestsDifferFromTheDefaultsOnlyByTheOperatorsSecrets() {
    RenderedChart manifests = new RenderedChart(expected(), RenderedChart.parse(expected()));
    RenderedChart defaults = RenderedChart.defaults();

    for (String secret : List.of("clinical-ops-tokens", "clinical-ops-postgres")) {
      assertThat(manifests.find("Secret", secret)).as(secret).isEmpty();
      assertThat(defaults.find("Secret", secret)).as(secret).isPresent();
    }
    assertThat(manifests.ofKind("Secret")).isEmpty();
    assertThat(manifests.objects()).hasSize(defaults.objects().size() - 2);
    // the bundled ops database is in the manifests, on the Secret the operator creates
    assertThat(manifests.get("StatefulSet", "clinical-ops-postgres").toString())
        .contains("\"name\":\"clinical-ops-postgres\",\"key\":\"password\"");
    assertThat(manifests.objects())
        .containsAll(
            defaults.objects().stream()
                .filter(o -> !o.path("kind").asText().equals("Secret"))
                .toList());
  }
}
