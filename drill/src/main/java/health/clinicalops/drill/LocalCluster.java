package health.clinicalops.drill;

import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A local Kubernetes API: the fabric8 Kubernetes server in CRUD mode (it stores, lists and watches
 * what is written, with resourceVersion conflicts), over plain HTTP on loopback, with what the real
 * {@code kubectl} needs on top ({@link ApiServerDispatcher}).
 */
final class LocalCluster implements AutoCloseable {

  static final String NAMESPACE = "clinical-ops";
  static final String OPS_STATE = "clinical-ops-state";
  static final String TOKENS_SECRET = "clinical-ops-tokens";

  // Held so the level sticks: the mock API server logs every request at INFO.
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private LocalCluster(KubernetesMockServer server) {
    this.server = server;
    this.client = server.createClient();
  }

  static LocalCluster start(int port) {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new ApiServerDispatcher(new KubernetesCrudDispatcher()),
            false);
    server.init(InetAddress.getLoopbackAddress(), port);
    LocalCluster cluster = new LocalCluster(server);
    cluster.seed();
    return cluster;
  }

  String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  int port() {
    return server.getPort();
  }

  KubernetesClient client() {
    return client;
  }

  Map<String, String> opsState() {
    var cm = client.configMaps().inNamespace(NAMESPACE).withName(OPS_STATE).get();
    return cm == null || cm.getData() == null ? Map.of() : cm.getData();
  }

  /** What an operator's {@code kubectl patch configmap clinical-ops-state --type merge} does. */
  void patchOpsState(Map<String, String> changes) {
    client
        .configMaps()
        .inNamespace(NAMESPACE)
        .withName(OPS_STATE)
        .edit(cm -> new ConfigMapBuilder(cm).addToData(changes).build());
  }

  /**
   * Writes a kubeconfig whose current context is this API with {@code namespace} as its default,
   * for {@code KUBECONFIG=file kubectl ...}. The API asks for no credentials.
   */
  Path writeKubeconfig(Path file, String namespace) throws IOException {
    Config config =
        new ConfigBuilder()
            .withApiVersion("v1")
            .withKind("Config")
            .addNewCluster()
            .withName("clinops-local")
            .withNewCluster()
            .withServer(url())
            .endCluster()
            .endCluster()
            .addNewUser()
            .withName("clinops-local")
            .withNewUser()
            .endUser()
            .endUser()
            .addNewContext()
            .withName("clinops-local")
            .withNewContext()
            .withCluster("clinops-local")
            .withUser("clinops-local")
            .withNamespace(namespace)
            .endContext()
            .endContext()
            .withCurrentContext("clinops-local")
            .build();
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, Serialization.asYaml(config));
    return file;
  }

  /** A Secret in {@link #NAMESPACE}, as the API server stores one: values base64-encoded. */
  void createSecret(String name, Map<String, String> values) {
    Map<String, String> data = new TreeMap<>();
    values.forEach(
        (key, value) ->
            data.put(
                key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
    client
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NAMESPACE)
                .endMetadata()
                .withType("Opaque")
                .withData(data)
                .build())
        .create();
  }

  private void seed() {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    client
        .configMaps()
        .inNamespace(NAMESPACE)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(OPS_STATE)
                .withNamespace(NAMESPACE)
                .endMetadata()
                .addToData("mode", "normal")
                .addToData("database.target", "primary")
                .build())
        .create();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
