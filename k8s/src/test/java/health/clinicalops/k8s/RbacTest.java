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
import org.junit.jupiter.params.provider.ValueSource;

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
                    workloads("clinical-ops", "deployments", "get", "list", "watch"),
                    // patch only the app's Deployments (app.deployments), never the ops services
                    workloads("clinical-ops", "deployments/clinical-app", "patch", "update"),
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

  /**
   * rollback-orchestrator rolls back only the app's Deployments, never an ops service or itself
   * (issue 15 item 7): rendering refuses an ops service among the app's Deployments, and among the
   * names it may patch.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "auth-guard",
        "db-sentinel",
        "audit-keeper",
        "error-watch",
        "rollback-orchestrator"
      })
  void refusesAnOpsServiceAmongTheAppsDeployments(String service) {
    KubeTools.ProcessResult render =
        template("--set", "app.deployments={clinical-app," + service + "}");

    assertThat(render.exitCode()).as(render.output()).isNotZero();
    assertThat(render.output())
        .contains("app.deployments names \"" + service + "\", one of the ops services");
  }

  @Test
  void refusesAnOpsServiceAmongTheDeploymentsRollbackOrchestratorMayPatch() {
    KubeTools.ProcessResult render =
        template("--set", "rbac.appDeploymentNames={clinical-app,rollback-orchestrator}");

    assertThat(render.exitCode()).as(render.output()).isNotZero();
    assertThat(render.output())
        .contains(
            "rbac.appDeploymentNames names \"rollback-orchestrator\", one of the ops services");
    // the app's own Deployments are fine
    assertThat(template("--set", "rbac.appDeploymentNames={clinical-app}").exitCode()).isZero();
  }

  @Test
  void theDeploymentsRollbackOrchestratorMayPatchAreTheOnesItMayRollBack() {
    String targets = "clinicalops.rollback-orchestrator.rollback.targets";
    assertThat(
            RenderedChart.defaults()
                .applicationProperties("rollback-orchestrator")
                .getProperty(targets))
        .isEqualTo("clinical-app");
    assertThat(
            RenderedChart.production()
                .applicationProperties("rollback-orchestrator")
                .getProperty(targets))
        .isEqualTo("clinical-app-web,clinical-app-worker");
  }

  @Test
  void refusesToRenderWithoutTheAppsDeploymentsSinceNoNamesWouldGrantThemAll() {
    KubeTools.ProcessResult render = template("--set", "app.deployments=null");

    assertThat(render.exitCode()).as(render.output()).isNotZero();
    assertThat(render.output()).contains("must name the app's Deployments");
  }

  private static KubeTools.ProcessResult template(String... values) {
    String[] args = new String[5 + values.length];
    args[0] = "template";
    args[1] = RenderedChart.RELEASE;
    args[2] = KubeTools.chartDir().toString();
    args[3] = "--namespace";
    args[4] = RenderedChart.NAMESPACE;
    System.arraycopy(values, 0, args, 5, values.length);
    return KubeTools.helm(Map.of(), args);
  }
}
