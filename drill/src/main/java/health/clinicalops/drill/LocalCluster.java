package health.clinicalops.drill;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * A local Kubernetes API: the fabric8 Kubernetes server in CRUD mode (it stores, lists and watches
 * what is written, with resourceVersion conflicts), over plain HTTP on loopback.
 */
final class LocalCluster implements AutoCloseable {

  static final String NAMESPACE = "clinical-ops";
  static final String OPS_STATE = "clinical-ops-state";

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
            new KubernetesCrudDispatcher(),
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
