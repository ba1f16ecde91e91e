package health.clinicalops.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl against the local Kubernetes API as {@code ./clinops up} starts and seeds it,
 * through the kubeconfig it writes (default namespace {@code clinical-ops}).
 */
class LocalClusterKubectlTest {

  private LocalCluster cluster;
  private LocalDeploymentController app;
  private Kubectl kubectl;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    cluster = LocalCluster.start(0);
    app = LocalStack.seed(cluster);
    kubectl =
        new Kubectl(cluster.writeKubeconfig(dir.resolve("kubeconfig"), LocalCluster.NAMESPACE));
  }

  @AfterEach
  void stop() {
    app.close();
    cluster.close();
  }

  @Test
  void kubectlFindsTheResourceTypesTheStackUses() {
    Kubectl.Result resources = kubectl.run("api-resources", "-o", "name");
    assertThat(resources.exitCode()).as(resources.output()).isZero();
    assertThat(resources.output().lines())
        .contains(
            "configmaps",
            "secrets",
            "namespaces",
            "events",
            "deployments.apps",
            "replicasets.apps",
            "leases.coordination.k8s.io");
    Kubectl.Result version = kubectl.run("version", "-o", "json");
    assertThat(version.exitCode()).as(version.output()).isZero();
    assertThat(json(version.output()).at("/serverVersion/gitVersion").asText())
        .isEqualTo(DiscoveryDocuments.KUBERNETES_VERSION);
  }

  @Test
  void theKubeconfigOfUpNeedsNoNamespaceFlag() {
    Kubectl.Result mode =
        kubectl.run("get", "cm", LocalCluster.OPS_STATE, "-o", "jsonpath={.data.mode}");
    assertThat(mode.exitCode()).as(mode.output()).isZero();
    assertThat(mode.output()).isEqualTo("normal");
    Kubectl.Result token =
        kubectl.run(
            "get", "secret", LocalCluster.TOKENS_SECRET, "-o", "jsonpath={.data.operator-tokens}");
    assertThat(new String(java.util.Base64.getDecoder().decode(token.output())))
        .isEqualTo(LocalStack.OPERATOR_TOKEN);
  }

  @Test
  void aJsonPatchAndKubectlsDefaultPatchChangeTheOpsState() {
    Kubectl.Result json =
        kubectl.run(
            "patch",
            "configmap",
            LocalCluster.OPS_STATE,
            "--type",
            "json",
            "-p",
            "[{\"op\":\"add\",\"path\":\"/data/mode.reason\",\"value\":\"drill\"},"
                + "{\"op\":\"replace\",\"path\":\"/data/mode\",\"value\":\"read-only\"}]");
    assertThat(json.exitCode()).as(json.output()).isZero();
    assertThat(cluster.opsState()).containsEntry("mode", "read-only").containsKey("mode.reason");

    // No --type: a strategic merge patch, the same as a merge patch for a ConfigMap's data.
    Kubectl.Result strategic =
        kubectl.run(
            "patch",
            "configmap",
            LocalCluster.OPS_STATE,
            "-p",
            "{\"data\":{\"mode\":\"normal\",\"mode.reason\":null}}");
    assertThat(strategic.exitCode()).as(strategic.output()).isZero();
    assertThat(cluster.opsState())
        .containsEntry("mode", "normal")
        .doesNotContainKey("mode.reason")
        .containsEntry("database.target", "primary");
  }

  @Test
  void aStrategicPatchOfAListIsRefusedWithAReason() {
    Kubectl.Result patch =
        kubectl.run(
            "patch",
            "deployment",
            LocalDeploymentController.APP,
            "-p",
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"x\"}]}}}}");
    assertThat(patch.exitCode()).isNotZero();
    assertThat(patch.output()).contains("--type merge");
    assertThat(app.currentImage()).isEqualTo("registry.local/clinical-app:v2.0.5");
  }

  @Test
  void aReleaseIsDeployedAndRolledBackWithKubectl() {
    String next = "registry.local/clinical-app:v2.0.6";
    Kubectl.Result deploy =
        kubectl.run(
            "patch",
            "deployment",
            LocalDeploymentController.APP,
            "--type",
            "merge",
            "-p",
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\""
                + next
                + "\"}]}}}}");
    assertThat(deploy.exitCode()).as(deploy.output()).isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(app.runningImage()).isEqualTo(next));
    assertThat(
            revisions(
                kubectl.run("rollout", "history", "deployment/" + LocalDeploymentController.APP)))
        .containsExactly("1", "2", "3", "4");

    Kubectl.Result undo =
        kubectl.run("rollout", "undo", "deployment/" + LocalDeploymentController.APP);
    assertThat(undo.exitCode()).as(undo.output()).isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(app.runningImage()).isEqualTo("registry.local/clinical-app:v2.0.5"));
    // v2.0.5's ReplicaSet (revision 3) is reused as revision 5, as in a real cluster.
    assertThat(
            revisions(
                kubectl.run("rollout", "history", "deployment/" + LocalDeploymentController.APP)))
        .containsExactly("1", "2", "4", "5");
    Kubectl.Result status =
        kubectl.run(
            "rollout", "status", "deployment/" + LocalDeploymentController.APP, "--timeout=20s");
    assertThat(status.exitCode()).as(status.output()).isZero();
  }

  @Test
  void scalingIsNoNewRevision() {
    Kubectl.Result scale =
        kubectl.run("scale", "deployment/" + LocalDeploymentController.APP, "--replicas=5");
    assertThat(scale.exitCode()).as(scale.output()).isZero();
    var deployments = cluster.client().apps().deployments().inNamespace(LocalCluster.NAMESPACE);
    assertThat(deployments.withName(LocalDeploymentController.APP).get().getSpec().getReplicas())
        .isEqualTo(5);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        deployments
                            .withName(LocalDeploymentController.APP)
                            .get()
                            .getStatus()
                            .getReplicas())
                    .isEqualTo(5));
    assertThat(
            revisions(
                kubectl.run("rollout", "history", "deployment/" + LocalDeploymentController.APP)))
        .containsExactly("1", "2", "3");
    assertThat(
            deployments
                .withName(LocalDeploymentController.APP)
                .get()
                .getMetadata()
                .getAnnotations())
        .containsEntry(LocalDeploymentController.REVISION, "3");
  }

  private static JsonNode json(String text) {
    try {
      return Serialization.jsonMapper().readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /** The revision numbers {@code kubectl rollout history} lists. */
  private static List<String> revisions(Kubectl.Result history) {
    assertThat(history.exitCode()).as(history.output()).isZero();
    return history
        .output()
        .lines()
        .filter(line -> line.matches("\\d+\\s.*"))
        .map(line -> line.split("\\s+")[0])
        .toList();
  }
}
