package health.clinicalops.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every container the chart runs, with default and with production values: probes on the right
 * paths, resources, non-root, read-only root filesystem, a writable /tmp.
 */
class WorkloadSecurityTest {

  static Stream<Arguments> renders() {
    return Stream.of(
        Arguments.of("default values", RenderedChart.defaults()),
        Arguments.of("production values", RenderedChart.production()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renders")
  void everyServiceHasItsWorkloadServicePdbAndAccount(String values, RenderedChart chart) {
    for (String service : RenderedChart.SERVICES) {
      assertThat(chart.workload(service).path("kind").asText())
          .isEqualTo(service.equals("audit-keeper") ? "StatefulSet" : "Deployment");
      chart.get("Service", service);
      chart.get("ServiceAccount", service);
      chart.get("Role", service);
      chart.get("RoleBinding", service);
      chart.get("NetworkPolicy", service);
      JsonNode pdb = chart.get("PodDisruptionBudget", service).path("spec");
      assertThat(pdb.path("selector").path("matchLabels"))
          .isEqualTo(chart.workload(service).path("spec").path("selector").path("matchLabels"));
      assertThat(pdb.has("maxUnavailable") || pdb.has("minAvailable")).isTrue();
      assertThat(RenderedChart.podSpec(chart.workload(service)).path("serviceAccountName").asText())
          .isEqualTo(service);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renders")
  void servicesProbeQuarkusHealthEndpoints(String values, RenderedChart chart) {
    for (String service : RenderedChart.SERVICES) {
      JsonNode container = RenderedChart.podSpec(chart.workload(service)).path("containers").get(0);
      assertThat(container.path("startupProbe").path("httpGet").path("path").asText())
          .as(service + " startup probe")
          .isEqualTo("/q/health/started");
      assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
          .as(service + " liveness probe")
          .isEqualTo("/q/health/live");
      assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
          .as(service + " readiness probe")
          .isEqualTo("/q/health/ready");
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        assertThat(container.path(probe).path("httpGet").path("port").asText()).isEqualTo("http");
      }
      assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(8080);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renders")
  void everyContainerHasProbesResourcesAndRunsLockedDown(String values, RenderedChart chart) {
    List<ObjectNode> workloads = chart.workloads().toList();
    assertThat(workloads).hasSizeGreaterThanOrEqualTo(RenderedChart.SERVICES.size());
    for (ObjectNode workload : workloads) {
      String name = workload.path("metadata").path("name").asText();
      JsonNode pod = RenderedChart.podSpec(workload);
      List<JsonNode> containers = new ArrayList<>();
      pod.path("containers").forEach(containers::add);
      pod.path("initContainers").forEach(containers::add);
      assertThat(containers).as(name).isNotEmpty();
      for (JsonNode c : containers) {
        String where = name + "/" + c.path("name").asText();
        assertThat(c.has("livenessProbe")).as(where + " liveness").isTrue();
        assertThat(c.has("readinessProbe")).as(where + " readiness").isTrue();
        assertThat(c.has("startupProbe")).as(where + " startup").isTrue();
        assertThat(c.path("resources").path("requests").path("cpu").isMissingNode())
            .as(where + " cpu request")
            .isFalse();
        assertThat(c.path("resources").path("requests").path("memory").isMissingNode())
            .as(where + " memory request")
            .isFalse();
        assertThat(c.path("resources").path("limits").path("memory").isMissingNode())
            .as(where + " memory limit")
            .isFalse();
        JsonNode sc = c.path("securityContext");
        assertThat(
                sc.path("runAsNonRoot").asBoolean(false)
                    || pod.path("securityContext").path("runAsNonRoot").asBoolean(false))
            .as(where + " runAsNonRoot")
            .isTrue();
        assertThat(sc.path("runAsNonRoot").asBoolean(true)).as(where).isTrue();
        assertThat(sc.path("readOnlyRootFilesystem").asBoolean(false))
            .as(where + " readOnlyRootFilesystem")
            .isTrue();
        assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true))
            .as(where + " allowPrivilegeEscalation")
            .isFalse();
        assertThat(sc.path("capabilities").path("drop").toString()).contains("ALL");
        assertThat(sc.path("privileged").asBoolean(false)).isFalse();
        String uid = pod.path("securityContext").path("runAsUser").asText("");
        assertThat(uid).as(where + " uid").isNotIn("", "0");
        assertThat(mountsEmptyDirAt(pod, c, "/tmp")).as(where + " writable /tmp").isTrue();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renders")
  void auditKeeperKeepsSpoolAndArchiveOnAPersistentVolume(String values, RenderedChart chart) {
    JsonNode statefulSet = chart.workload("audit-keeper");
    JsonNode claim = statefulSet.path("spec").path("volumeClaimTemplates").get(0);
    assertThat(claim.path("metadata").path("name").asText()).isEqualTo("data");
    assertThat(claim.path("spec").path("resources").path("requests").path("storage").asText())
        .isNotEmpty();
    JsonNode mounts =
        RenderedChart.podSpec(statefulSet).path("containers").get(0).path("volumeMounts");
    String dataDir = null;
    for (JsonNode m : mounts) {
      if (m.path("name").asText().equals("data")) {
        dataDir = m.path("mountPath").asText();
      }
    }
    assertThat(dataDir).isNotNull();
    java.util.Properties properties = chart.applicationProperties("audit-keeper");
    assertThat(properties.values().stream().map(Object::toString))
        .contains(dataDir + "/spool", dataDir + "/archive");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renders")
  void configFileIsMountedWhereQuarkusReadsIt(String values, RenderedChart chart) {
    boolean nativeImages = values.startsWith("production");
    for (String service : RenderedChart.SERVICES) {
      JsonNode pod = RenderedChart.podSpec(chart.workload(service));
      JsonNode container = pod.path("containers").get(0);
      assertThat(container.path("image").asText())
          .endsWith(nativeImages ? "/" + service + ":0.1.0-native" : "/" + service + ":0.1.0");
      String configDir = nativeImages ? "/work/config" : "/deployments/config";
      boolean mounted = false;
      for (JsonNode m : container.path("volumeMounts")) {
        mounted |= m.path("mountPath").asText().equals(configDir);
      }
      assertThat(mounted).as(service + " mounts " + configDir).isTrue();
      assertThat(chart.applicationProperties(service))
          .containsEntry("clinicalops.ops-state.config-map-name", "clinical-ops-state");
    }
  }

  /**
   * The bundled ops database is one of the workloads the checks above cover (default values), and
   * runs as the official image's postgres user (uid 999) on a read-only root: writable only its
   * volume (PGDATA in a subdirectory of it), the socket directory, /tmp and /dev/shm.
   */
  @org.junit.jupiter.api.Test
  void bundledPostgreSqlRunsAsThePostgresUserOnAReadOnlyRoot() {
    RenderedChart chart = RenderedChart.defaults();
    assertThat(chart.workloads().map(w -> w.path("metadata").path("name").asText()))
        .contains("clinical-ops-postgres");
    JsonNode statefulSet = chart.get("StatefulSet", "clinical-ops-postgres");
    JsonNode pod = RenderedChart.podSpec(statefulSet);
    JsonNode podSecurity = pod.path("securityContext");
    assertThat(podSecurity.path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(podSecurity.path("runAsUser").asInt()).isEqualTo(999);
    assertThat(podSecurity.path("runAsGroup").asInt()).isEqualTo(999);
    assertThat(podSecurity.path("fsGroup").asInt()).isEqualTo(999);
    assertThat(podSecurity.path("seccompProfile").path("type").asText())
        .isEqualTo("RuntimeDefault");
    assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
    JsonNode container = pod.path("containers").get(0);
    assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean())
        .isTrue();
    for (String dir : List.of("/var/run/postgresql", "/tmp", "/dev/shm")) {
      assertThat(mountsEmptyDirAt(pod, container, dir)).as("emptyDir at " + dir).isTrue();
    }
    String dataDir = null;
    for (JsonNode m : container.path("volumeMounts")) {
      if (m.path("name").asText().equals("data")) {
        dataDir = m.path("mountPath").asText();
      }
    }
    assertThat(dataDir).as("the claim template's volume is mounted").isNotNull();
    assertThat(
            statefulSet
                .path("spec")
                .path("volumeClaimTemplates")
                .get(0)
                .path("metadata")
                .path("name")
                .asText())
        .isEqualTo("data");
    String pgdata = null;
    for (JsonNode e : container.path("env")) {
      if (e.path("name").asText().equals("PGDATA")) {
        pgdata = e.path("value").asText();
      }
    }
    assertThat(pgdata).as("PGDATA").startsWith(dataDir + "/").isNotEqualTo(dataDir + "/");
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      assertThat(container.path(probe).path("exec").path("command").toString())
          .as(probe)
          .contains("pg_isready");
    }
  }

  private static boolean mountsEmptyDirAt(JsonNode pod, JsonNode container, String path) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (mount.path("mountPath").asText().equals(path)) {
        for (JsonNode volume : pod.path("volumes")) {
          if (volume.path("name").asText().equals(mount.path("name").asText())) {
            return volume.has("emptyDir");
          }
        }
      }
    }
    return false;
  }
}
