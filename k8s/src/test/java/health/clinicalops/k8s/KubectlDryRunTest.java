package health.clinicalops.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code kubectl apply --dry-run=client --validate=false} accepts every rendered object. kubectl
 * insists on discovery even for a client dry run, so it talks to {@link FakeKubernetesApi}, which
 * knows the kinds a real cluster (with the Prometheus Operator) serves and has no objects.
 */
class KubectlDryRunTest {

  private static FakeKubernetesApi api;
  private static Path kubeconfig;

  @BeforeAll
  static void startApi() throws IOException {
    api = new FakeKubernetesApi();
    kubeconfig = api.writeKubeconfig(KubeTools.buildDir().resolve("kube-home/fake-kubeconfig"));
  }

  @AfterAll
  static void stopApi() {
    api.close();
  }

  static Stream<Arguments> renders() {
    return Stream.of(
        Arguments.of("default values", RenderedChart.defaults()),
        Arguments.of("production values", RenderedChart.production()),
        Arguments.of("plain manifests", manifests()));
  }

  private static RenderedChart manifests() {
    try {
      String yaml = Files.readString(ManifestsInSyncTest.MANIFEST);
      return new RenderedChart(yaml, RenderedChart.parse(yaml));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renders")
  void clientDryRunAcceptsEveryObject(String values, RenderedChart chart) throws IOException {
    Path file = KubeTools.buildDir().resolve("dry-run/" + values.replace(' ', '-') + ".yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, chart.yaml());

    KubeTools.ProcessResult apply =
        KubeTools.kubectl(
            Map.of("KUBECONFIG", kubeconfig.toString()),
            "apply",
            "--dry-run=client",
            "--validate=false",
            "-f",
            file.toString());

    assertThat(apply.exitCode()).as(apply.output()).isZero();
    for (ObjectNode object : chart.objects()) {
      String line =
          resourceName(object.path("apiVersion").asText(), object.path("kind").asText())
              + "/"
              + object.path("metadata").path("name").asText()
              + " created (dry run)";
      assertThat(apply.output()).as(apply.output()).contains(line);
    }
    assertThat(apply.output().lines().filter(l -> l.endsWith("(dry run)")).count())
        .isEqualTo(chart.objects().size());
  }

  /** kubectl prints kind.group (lower case), e.g. deployment.apps, configmap. */
  private static String resourceName(String apiVersion, String kind) {
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    return kind.toLowerCase() + (group.isEmpty() ? "" : "." + group);
  }
}
