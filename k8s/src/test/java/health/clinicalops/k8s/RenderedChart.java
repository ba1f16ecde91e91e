package health.clinicalops.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The chart rendered by real {@code helm template}, as text and as parsed objects. */
record RenderedChart(String yaml, List<ObjectNode> objects) {

  static final String RELEASE = "clinical-ops";
  static final String NAMESPACE = "clinical-ops";

  static final List<String> SERVICES =
      List.of("auth-guard", "db-sentinel", "audit-keeper", "error-watch", "rollback-orchestrator");

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * How {@code k8s/manifests/} is rendered: default values, except that the tokens Secret and the
   * bundled ops database's Secret are not rendered (generated tokens and passwords would differ on
   * every render, and known ones must not sit in git): people who apply the plain manifests create
   * {@code clinical-ops-tokens} and {@code clinical-ops-postgres} themselves.
   */
  static final List<String> MANIFEST_ARGS =
      List.of(
          "--set",
          "tokens.existingSecret=clinical-ops-tokens",
          "--set",
          "opsDatabase.bundled.existingSecret=clinical-ops-postgres");

  private static RenderedChart defaults;
  private static RenderedChart production;

  static synchronized RenderedChart defaults() {
    if (defaults == null) {
      defaults = render();
    }
    return defaults;
  }

  static synchronized RenderedChart production() {
    if (production == null) {
      production = render("-f", KubeTools.chartDir().resolve("values-production.yaml").toString());
    }
    return production;
  }

  static RenderedChart render(String... args) {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of("template", RELEASE, KubeTools.chartDir().toString(), "--namespace", NAMESPACE));
    command.addAll(List.of(args));
    KubeTools.ProcessResult result = KubeTools.helm(Map.of(), command.toArray(String[]::new));
    if (result.exitCode() != 0) {
      throw new AssertionError("helm template failed:\n" + result.output());
    }
    return new RenderedChart(result.output(), parse(result.output()));
  }

  static List<ObjectNode> parse(String yaml) {
    List<ObjectNode> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc instanceof ObjectNode object && object.size() > 0) {
          objects.add(object);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return objects;
  }

  Stream<ObjectNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText()));
  }

  Optional<ObjectNode> find(String kind, String name) {
    return ofKind(kind)
        .filter(o -> name.equals(o.path("metadata").path("name").asText()))
        .findFirst();
  }

  ObjectNode get(String kind, String name) {
    return find(kind, name)
        .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " rendered"));
  }

  /** Deployments and StatefulSets: everything that runs pods. */
  Stream<ObjectNode> workloads() {
    return objects.stream()
        .filter(
            o ->
                List.of("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod")
                    .contains(o.path("kind").asText()));
  }

  /** The workload (Deployment or StatefulSet) of one service. */
  ObjectNode workload(String service) {
    return workloads()
        .filter(o -> service.equals(o.path("metadata").path("name").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no workload for " + service));
  }

  static JsonNode podSpec(JsonNode workload) {
    return workload.path("spec").path("template").path("spec");
  }

  /** The properties file a service reads from config/application.properties. */
  java.util.Properties applicationProperties(String service) {
    String text =
        get("ConfigMap", service + "-config").path("data").path("application.properties").asText();
    java.util.Properties properties = new java.util.Properties();
    try {
      properties.load(new java.io.StringReader(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties;
  }
}
