package health.clinicalops.drill;

import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscoveryBuilder;
import io.fabric8.kubernetes.api.model.ServerAddressByClientCIDRBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The discovery documents of a Kubernetes API server ({@code /version}, {@code /api}, {@code
 * /api/v1}, {@code /apis}, {@code /apis/<group>/<version>}) for the resources the local stack uses:
 * what {@code kubectl} reads to map {@code configmap}, {@code cm} or {@code deploy} to a path.
 *
 * <p>Only the legacy documents, as JSON: kubectl asks for aggregated discovery first ({@code
 * Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,...}); an answer of
 * plain {@code application/json} makes it read {@code /api} and {@code /apis} as APIVersions and
 * APIGroupList and fetch each group version's APIResourceList, as from a server before 1.26.
 */
final class DiscoveryDocuments {

  /** What the local API says it is; the minor of the kubectl the chart tests use. */
  static final String KUBERNETES_VERSION = "v1.35.0";

  private static final List<String> READ_WRITE =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> SUBRESOURCE = List.of("get", "patch", "update");

  /** Group version → the resources served in it. */
  private final Map<String, List<APIResource>> groups = new LinkedHashMap<>();

  private final Map<String, String> documents = new LinkedHashMap<>();

  DiscoveryDocuments() {
    documents.put(
        "/version",
        Serialization.asJson(
            // No fabric8 model serialises this one (its VersionInfo writes buildDate as a number).
            Map.of(
                "major",
                "1",
                "minor",
                "35",
                "gitVersion",
                KUBERNETES_VERSION,
                "platform",
                "linux/amd64")));
    documents.put(
        "/api",
        Serialization.asJson(
            new APIVersionsBuilder()
                .withVersions("v1")
                .withServerAddressByClientCIDRs(
                    new ServerAddressByClientCIDRBuilder()
                        .withClientCIDR("0.0.0.0/0")
                        .withServerAddress("127.0.0.1")
                        .build())
                .build()));
    groups.put(
        "v1",
        List.of(
            resource("namespaces", "Namespace", false, List.of("ns")),
            resource("configmaps", "ConfigMap", true, List.of("cm")),
            resource("secrets", "Secret", true, List.of()),
            resource("events", "Event", true, List.of("ev"))));
    groups.put(
        "apps/v1",
        List.of(
            resource("deployments", "Deployment", true, List.of("deploy")),
            scale("deployments"),
            status("deployments", "Deployment"),
            resource("replicasets", "ReplicaSet", true, List.of("rs")),
            scale("replicasets"),
            status("replicasets", "ReplicaSet")));
    groups.put("coordination.k8s.io/v1", List.of(resource("leases", "Lease", true, List.of())));
    List<io.fabric8.kubernetes.api.model.APIGroup> named = new ArrayList<>();
    groups.forEach(
        (groupVersion, resources) -> {
          boolean core = !groupVersion.contains("/");
          documents.put(
              (core ? "/api/" : "/apis/") + groupVersion,
              Serialization.asJson(
                  new APIResourceListBuilder()
                      .withGroupVersion(groupVersion)
                      .withResources(resources)
                      .build()));
          if (!core) {
            GroupVersionForDiscovery version =
                new GroupVersionForDiscoveryBuilder()
                    .withGroupVersion(groupVersion)
                    .withVersion(groupVersion.split("/")[1])
                    .build();
            named.add(
                new APIGroupBuilder()
                    .withName(groupVersion.split("/")[0])
                    .withVersions(version)
                    .withPreferredVersion(version)
                    .build());
          }
        });
    documents.put(
        "/apis", Serialization.asJson(new APIGroupListBuilder().withGroups(named).build()));
  }

  /** The document at {@code path} (without a query), if it is one. */
  Optional<String> at(String path) {
    return Optional.ofNullable(documents.get(path));
  }

  /** The kind of {@code resource} (e.g. {@code replicasets}) in {@code groupVersion}, if served. */
  Optional<String> kindOf(String groupVersion, String resource) {
    return groups.getOrDefault(groupVersion, List.of()).stream()
        .filter(r -> r.getName().equals(resource))
        .map(APIResource::getKind)
        .findFirst();
  }

  private static APIResource resource(
      String name, String kind, boolean namespaced, List<String> shortNames) {
    return new APIResourceBuilder()
        .withName(name)
        .withSingularName(kind.toLowerCase(java.util.Locale.ROOT))
        .withNamespaced(namespaced)
        .withKind(kind)
        .withVerbs(READ_WRITE)
        .withShortNames(shortNames)
        .build();
  }

  /** {@code <resource>/scale}: an autoscaling/v1 Scale, as {@code kubectl scale} expects. */
  private static APIResource scale(String resource) {
    return new APIResourceBuilder()
        .withName(resource + "/scale")
        .withSingularName("")
        .withNamespaced(true)
        .withGroup("autoscaling")
        .withVersion("v1")
        .withKind("Scale")
        .withVerbs(SUBRESOURCE)
        .build();
  }

  private static APIResource status(String resource, String kind) {
    return new APIResourceBuilder()
        .withName(resource + "/status")
        .withSingularName("")
        .withNamespaced(true)
        .withKind(kind)
        .withVerbs(SUBRESOURCE)
        .build();
  }
}
