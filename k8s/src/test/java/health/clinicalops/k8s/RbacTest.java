package health.clinicalops.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Least privilege: each service account gets exactly the resources, names and verbs its service
 * uses; no wildcard anywhere; only rollback-orchestrator can change Deployments.
 */
class RbacTest {

  private static final String OPS_STATE = "configmaps/clinical-ops-state";

  static Stream<Arguments> renders() {
    return Stream.of(
        Arguments.of("default values", RenderedChart.defaults()),
        Arguments.of("production values", RenderedChart.production()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renders")
  void noRoleGrantsAWildcardAndNoneIsClusterWide(String values, RenderedChart chart) {
    assertThat(chart.ofKind("ClusterRole")).isEmpty();
    assertThat(chart.ofKind("ClusterRoleBinding")).isEmpty();
    chart
        .ofKind("Role")
        .forEach(
            role -> {
              for (JsonNode rule : role.path("rules")) {
                for (String field :
                    new String[] {"apiGroups", "resources", "verbs", "resourceNames"}) {
                  for (JsonNode value : rule.path(field)) {
                    assertThat(value.asText())
                        .as(role.path("metadata").path("name").asText() + " " + field)
                        .doesNotContain("*");
                  }
                }
                assertThat(rule.has("nonResourceURLs")).isFalse();
              }
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renders")
  void onlyRollbackOrchestratorCanChangeDeployments(String values, RenderedChart chart) {
    for (String service : RenderedChart.SERVICES) {
      Set<String> grants = grantsOf(chart, service);
      boolean changesDeployments =
          grants.stream()
              .anyMatch(
                  g ->
                      g.contains(":apps/deployments")
                          && (g.endsWith(":patch")
                              || g.endsWith(":update")
                              || g.endsWith(":create")
                              || g.endsWith(":delete")));
      assertThat(changesDeployments)
          .as(service + " may change Deployments: " + grants)
          .isEqualTo(service.equals("rollback-orchestrator"));
    }
  }

  @Test
  void eachServiceGetsExactlyWhatItUses() {
    RenderedChart chart = RenderedChart.defaults();
    Map<String, Set<String>> expected =
        Map.of(
            "auth-guard", opsState("get", "list", "watch", "update", "patch"),
            "audit-keeper", opsState("get", "list", "watch"),
            "db-sentinel",
                union(
                    opsState("get", "list", "watch", "update", "patch"),
                    Set.of(
                        "clinical-ops:coordination.k8s.io/leases/db-sentinel-leader:get",
                        "clinical-ops:coordination.k8s.io/leases/db-sentinel-leader:update",
                        "clinical-ops:coordination.k8s.io/leases:create")),
            "error-watch",
                union(
                    opsState("get", "list", "watch"),
                    workloads("clinical-ops", "deployments/clinical-app", "get", "list", "watch")),
            "rollback-orchestrator",
                union(
                    opsState("get", "list", "watch", "update", "patch"),
                    workloads(
                        "clinical-ops", "deployments", "get", "list", "watch", "patch", "update"),
                    workloads("clinical-ops", "replicasets", "get", "list", "watch")));
    for (String service : RenderedChart.SERVICES) {
      assertThat(grantsOf(chart, service)).as(service).isEqualTo(expected.get(service));
    }
  }

  @Test
  void productionRollsBackOnlyTheNamedAppDeploymentsInTheAppNamespace() {
    RenderedChart chart = RenderedChart.production();
    Set<String> grants = grantsOf(chart, "rollback-orchestrator");
    assertThat(grants)
        .contains(
            "clinical-app:apps/deployments/clinical-app-web:patch",
            "clinical-app:apps/deployments/clinical-app-worker:patch",
            "clinical-app:apps/deployments:watch")
        .noneMatch(g -> g.startsWith("clinical-app:apps/deployments:patch"))
        .noneMatch(g -> g.startsWith("clinical-ops:apps/"));
    assertThat(grantsOf(chart, "error-watch"))
        .contains(
            "clinical-app:apps/deployments/clinical-app-web:watch",
            "clinical-app:apps/deployments/clinical-app-worker:list")
        .noneMatch(g -> g.startsWith("clinical-app:apps/deployments:"))
        .noneMatch(g -> g.startsWith("clinical-ops:apps/"));
  }

  /** Every grant of a service account as "namespace:group/resource[/name]:verb". */
  static Set<String> grantsOf(RenderedChart chart, String serviceAccount) {
    Set<String> grants = new TreeSet<>();
    chart
        .ofKind("RoleBinding")
        .filter(binding -> bindsServiceAccount(binding, serviceAccount))
        .forEach(
            binding -> {
              String namespace = binding.path("metadata").path("namespace").asText();
              assertThat(binding.path("roleRef").path("kind").asText()).isEqualTo("Role");
              ObjectNode role =
                  chart
                      .ofKind("Role")
                      .filter(
                          r ->
                              r.path("metadata")
                                      .path("name")
                                      .asText()
                                      .equals(binding.path("roleRef").path("name").asText())
                                  && r.path("metadata")
                                      .path("namespace")
                                      .asText()
                                      .equals(namespace))
                      .findFirst()
                      .orElseThrow(() -> new AssertionError("binding to a missing Role"));
              for (JsonNode rule : role.path("rules")) {
                for (JsonNode group : rule.path("apiGroups")) {
                  for (JsonNode resource : rule.path("resources")) {
                    String prefix =
                        namespace
                            + ":"
                            + (group.asText().isEmpty() ? "" : group.asText() + "/")
                            + resource.asText();
                    for (JsonNode verb : rule.path("verbs")) {
                      if (rule.path("resourceNames").isEmpty()) {
                        grants.add(prefix + ":" + verb.asText());
                      }
                      for (JsonNode name : rule.path("resourceNames")) {
                        grants.add(prefix + "/" + name.asText() + ":" + verb.asText());
                      }
                    }
                  }
                }
              }
            });
    return grants;
  }

  private static boolean bindsServiceAccount(JsonNode binding, String serviceAccount) {
    for (JsonNode subject : binding.path("subjects")) {
      if (subject.path("kind").asText().equals("ServiceAccount")
          && subject.path("name").asText().equals(serviceAccount)
          && subject.path("namespace").asText().equals(RenderedChart.NAMESPACE)) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> opsState(String... verbs) {
    Set<String> grants = new TreeSet<>();
    for (String verb : verbs) {
      grants.add("clinical-ops:" + OPS_STATE + ":" + verb);
    }
    return grants;
  }

  private static Set<String> workloads(String namespace, String resource, String... verbs) {
    Set<String> grants = new TreeSet<>();
    for (String verb : verbs) {
      grants.add(namespace + ":apps/" + resource + ":" + verb);
    }
    return grants;
  }

  @SafeVarargs
  private static Set<String> union(Set<String>... sets) {
    Set<String> all = new TreeSet<>();
    for (Set<String> s : sets) {
      all.addAll(s);
    }
    return all;
  }
}
