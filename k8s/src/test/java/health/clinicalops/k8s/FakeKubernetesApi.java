package health.clinicalops.k8s;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The discovery part of a Kubernetes API server, plus GET of the objects a test puts in: enough for
 * {@code kubectl apply --dry-run=client} (which maps kinds to resources by discovery and looks up
 * the live object) and for Helm's {@code lookup} in {@code --dry-run=server} renders. No
 * kube-apiserver binary can be had on these machines; this answers with the real wire formats.
 * Every other request gets a Kubernetes 404 Status.
 */
final class FakeKubernetesApi implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** group/version → (resource, kind, namespaced). */
  private static final Map<String, List<String[]>> RESOURCES =
      Map.of(
          "v1",
          List.of(
              new String[] {"configmaps", "ConfigMap", "true"},
              new String[] {"secrets", "Secret", "true"},
              new String[] {"services", "Service", "true"},
              new String[] {"serviceaccounts", "ServiceAccount", "true"},
              new String[] {"persistentvolumeclaims", "PersistentVolumeClaim", "true"},
              new String[] {"pods", "Pod", "true"},
              new String[] {"namespaces", "Namespace", "false"}),
          "apps/v1",
          List.of(
              new String[] {"deployments", "Deployment", "true"},
              new String[] {"statefulsets", "StatefulSet", "true"},
              new String[] {"replicasets", "ReplicaSet", "true"}),
          "policy/v1",
          List.<String[]>of(new String[] {"poddisruptionbudgets", "PodDisruptionBudget", "true"}),
          "rbac.authorization.k8s.io/v1",
          List.of(
              new String[] {"roles", "Role", "true"},
              new String[] {"rolebindings", "RoleBinding", "true"},
              new String[] {"clusterroles", "ClusterRole", "false"},
              new String[] {"clusterrolebindings", "ClusterRoleBinding", "false"}),
          "networking.k8s.io/v1",
          List.<String[]>of(new String[] {"networkpolicies", "NetworkPolicy", "true"}),
          "coordination.k8s.io/v1",
          List.<String[]>of(new String[] {"leases", "Lease", "true"}),
          "monitoring.coreos.com/v1",
          List.<String[]>of(new String[] {"servicemonitors", "ServiceMonitor", "true"}));

  private final HttpServer server;

  /** Objects by request path, e.g. /api/v1/namespaces/ns/configmaps/name. */
  private final Map<String, ObjectNode> objects = new ConcurrentHashMap<>();

  final List<String> requests = new CopyOnWriteArrayList<>();

  FakeKubernetesApi() {
    // Without TCP_NODELAY every answer waits ~40 ms for a delayed ACK.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A kubeconfig whose only context points at this server. */
  Path writeKubeconfig(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
          - name: fake
            cluster:
              server: %s
        contexts:
          - name: fake
            context:
              cluster: fake
              user: fake
              namespace: %s
        current-context: fake
        users:
          - name: fake
            user:
              token: fake
        """
            .formatted(url(), RenderedChart.NAMESPACE));
    return file;
  }

  /** Makes {@code object} a live object that GET returns. */
  void put(ObjectNode object) {
    String apiVersion = object.path("apiVersion").asText();
    String kind = object.path("kind").asText();
    String resource =
        RESOURCES.get(apiVersion).stream()
            .filter(r -> r[1].equals(kind))
            .findFirst()
            .orElseThrow()[0];
    String base = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
    String path =
        base
            + "/namespaces/"
            + object.path("metadata").path("namespace").asText()
            + "/"
            + resource
            + "/"
            + object.path("metadata").path("name").asText();
    objects.put(path, object);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    try {
      if ("GET".equals(exchange.getRequestMethod())) {
        Object body = answer(path);
        if (body != null) {
          respond(exchange, 200, body);
          return;
        }
      }
      respond(exchange, 404, notFound(path));
    } catch (RuntimeException e) {
      respond(exchange, 500, status(500, "InternalError", e.toString()));
    }
  }

  private Object answer(String path) {
    if (path.equals("/version")) {
      return Map.of(
          "major", "1", "minor", "35", "gitVersion", "v1.35.0", "platform", "linux/amd64");
    }
    if (path.equals("/api")) {
      return Map.of("kind", "APIVersions", "versions", List.of("v1"));
    }
    if (path.equals("/apis")) {
      ObjectNode list = JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
      ArrayNode groups = list.putArray("groups");
      RESOURCES.keySet().stream()
          .filter(gv -> gv.contains("/"))
          .sorted()
          .forEach(
              gv -> {
                String[] parts = gv.split("/");
                ObjectNode version =
                    JSON.createObjectNode().put("groupVersion", gv).put("version", parts[1]);
                ObjectNode group = groups.addObject().put("name", parts[0]);
                group.putArray("versions").add(version);
                group.set("preferredVersion", version);
              });
      return list;
    }
    String groupVersion = null;
    if (path.startsWith("/api/")) {
      groupVersion = path.substring("/api/".length());
    } else if (path.startsWith("/apis/")) {
      groupVersion = path.substring("/apis/".length());
    }
    if (groupVersion != null && RESOURCES.containsKey(groupVersion)) {
      ObjectNode list =
          JSON.createObjectNode()
              .put("kind", "APIResourceList")
              .put("apiVersion", "v1")
              .put("groupVersion", groupVersion);
      ArrayNode resources = list.putArray("resources");
      for (String[] r : RESOURCES.get(groupVersion)) {
        ObjectNode resource =
            resources
                .addObject()
                .put("name", r[0])
                .put("singularName", r[1].toLowerCase())
                .put("namespaced", Boolean.parseBoolean(r[2]))
                .put("kind", r[1]);
        resource
            .putArray("verbs")
            .add("create")
            .add("delete")
            .add("get")
            .add("list")
            .add("patch")
            .add("update")
            .add("watch");
      }
      return list;
    }
    return objects.get(path);
  }

  private static Map<String, Object> notFound(String path) {
    return status(404, "NotFound", "the server could not find the requested resource: " + path);
  }

  private static Map<String, Object> status(int code, String reason, String message) {
    return Map.of(
        "kind",
        "Status",
        "apiVersion",
        "v1",
        "metadata",
        Map.of(),
        "status",
        "Failure",
        "message",
        message,
        "reason",
        reason,
        "code",
        code);
  }

  private static void respond(HttpExchange exchange, int code, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
