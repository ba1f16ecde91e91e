package health.clinicalops.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A schema check of every rendered object against the typed Kubernetes model (fabric8's classes
 * generated from the Kubernetes OpenAPI, plus the Prometheus Operator's ServiceMonitor): each
 * object must bind to its kind's class, and no field anywhere may be unknown (a misspelt or
 * misplaced key lands in "additionalProperties"), which {@code kubectl --validate=false} would let
 * through.
 */
class SchemaCheckTest {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  static Stream<Arguments> renders() {
    return Stream.of(
        Arguments.of("default values", RenderedChart.defaults()),
        Arguments.of("production values", RenderedChart.production()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renders")
  void everyObjectBindsToItsKindWithoutUnknownFields(String values, RenderedChart chart) {
    List<String> problems = new ArrayList<>();
    for (ObjectNode object : chart.objects()) {
      String id =
          object.path("kind").asText() + "/" + object.path("metadata").path("name").asText();
      HasMetadata typed = SERIALIZATION.unmarshal(object.toString());
      if (typed instanceof GenericKubernetesResource) {
        problems.add(id + ": unknown kind " + object.path("apiVersion").asText());
        continue;
      }
      assertThat(typed.getKind()).isEqualTo(object.path("kind").asText());
      unknownFields(typed, id, problems);
    }
    assertThat(problems).as("unknown fields").isEmpty();
  }

  @org.junit.jupiter.api.Test
  void findsAMisspeltField() {
    String deployment =
        """
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
         "spec": {"selector": {"matchLabels": {"a": "b"}},
                  "template": {"metadata": {"labels": {"a": "b"}},
                               "spec": {"containers": [{"name": "x", "image": "x",
                                         "livenesProbe": {"httpGet": {"path": "/q/health/live"}}}]}}}}
        """;
    List<String> problems = new ArrayList<>();

    unknownFields(SERIALIZATION.unmarshal(deployment), "Deployment/x", problems);

    assertThat(problems)
        .containsExactly(
            "Deployment/x.spec.template.spec.containers[0]: unknown fields [livenesProbe]");
  }

  /** Walks the typed object and reports every non-empty additionalProperties map. */
  private static void unknownFields(Object node, String path, List<String> problems) {
    if (node == null) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        unknownFields(item, path + "[" + i++ + "]", problems);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> unknownFields(v, path + "." + k, problems));
      return;
    }
    if (!node.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(node);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          problems.add(path + ": unknown fields " + extra.keySet());
        }
        continue;
      }
      Class<?> type = getter.getReturnType();
      if (type.getName().startsWith("io.fabric8.")
          || Collection.class.isAssignableFrom(type)
          || Map.class.isAssignableFrom(type)) {
        String name = getter.getName().substring(3);
        unknownFields(
            value,
            path + "." + Character.toLowerCase(name.charAt(0)) + name.substring(1),
            problems);
      }
    }
  }
}
