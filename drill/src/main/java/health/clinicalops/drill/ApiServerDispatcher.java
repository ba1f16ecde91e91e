package health.clinicalops.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The fabric8 CRUD dispatcher (it stores, lists and watches objects, with resourceVersion
 * conflicts) with what the real {@code kubectl} needs on top of it, so that an operator can try the
 * README's commands against {@code ./clinops up}:
 *
 * <ul>
 *   <li>the discovery documents ({@link DiscoveryDocuments}); without them kubectl says "the server
 *       doesn't have a resource type";
 *   <li>JSON merge patches as RFC 7386 says: the CRUD dispatcher keeps a {@code null} as a value
 *       instead of removing the key, and merges lists instead of replacing them. A strategic merge
 *       patch (kubectl's default {@code --type}) is taken when it holds no list and no {@code $}
 *       directive, where it means the same; any other is refused with a 415 that says so;
 *   <li>the {@code scale} subresource as an autoscaling/v1 Scale (the CRUD dispatcher answers with
 *       the Deployment itself, which {@code kubectl scale} cannot read);
 *   <li>lists of their own kind ({@code ReplicaSetList}, apiVersion {@code apps/v1}) instead of the
 *       CRUD dispatcher's {@code v1 List}, which kubectl's typed clients read as empty ({@code
 *       rollout history} found no revisions);
 *   <li>{@code Content-Type: application/json} on every answer: without it kubectl's typed clients
 *       ({@code describe}, {@code rollout history}) try to read the JSON as protobuf.
 * </ul>
 */
final class ApiServerDispatcher extends Dispatcher {

  private static final String MERGE_PATCH = "application/merge-patch+json";
  private static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
  private static final String JSON_PATCH = "application/json-patch+json";
  private static final String SCALE = "/scale";

  /** A collection: {@code /api/v1[/namespaces/<ns>]/<resource>} or the same under /apis/g/v. */
  private static final Pattern COLLECTION =
      Pattern.compile("/(?:api/(v1)|apis/([^/]+/[^/]+))(?:/namespaces/[^/]+)?/([^/]+)");

  private final DiscoveryDocuments discovery = new DiscoveryDocuments();
  private final KubernetesCrudDispatcher objects;

  ApiServerDispatcher(KubernetesCrudDispatcher objects) {
    this.objects = objects;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = URI.create(request.getPath()).getRawPath();
    if (request.method() == HttpMethod.GET) {
      var document = discovery.at(path);
      if (document.isPresent()) {
        return json(200, document.get());
      }
    }
    MockResponse response;
    String contentType = mediaType(request);
    if (request.method() == HttpMethod.PATCH
        && contentType != null
        && !JSON_PATCH.equals(contentType)) {
      response = mergePatch(path, contentType, request.getUtf8Body());
    } else if (request.method() == HttpMethod.PUT && path.endsWith(SCALE)) {
      response = mergePatch(path, MERGE_PATCH, replicasPatch(request.getUtf8Body()));
    } else {
      response = objects.dispatch(request);
    }
    if (path.endsWith(SCALE) && response.code() / 100 == 2) {
      return json(response.code(), asScale(bodyOf(response)));
    }
    if (request.method() == HttpMethod.GET
        && response.code() == 200
        && response.getWebSocketListener() == null) {
      typedList(path, response);
    }
    if (response.getWebSocketListener() == null
        && response.getBody() != null
        && response.getBody().size() > 0
        && response.header("Content-Type") == null) {
      response.setHeader("Content-Type", "application/json");
    }
    return response;
  }

  @Override
  public void shutdown() {
    objects.shutdown();
  }

  private void typedList(String path, MockResponse response) {
    Matcher collection = COLLECTION.matcher(path);
    if (!collection.matches()) {
      return;
    }
    String groupVersion = collection.group(1) != null ? collection.group(1) : collection.group(2);
    var kind = discovery.kindOf(groupVersion, collection.group(3));
    JsonNode list = readTree(bodyOf(response));
    if (kind.isPresent() && "List".equals(list.path("kind").asText())) {
      ((ObjectNode) list).put("apiVersion", groupVersion).put("kind", kind.get() + "List");
      response.setBody(list.toString());
    }
  }

  /**
   * Reads the object, merges {@code patchBody} into it and writes it back with the resourceVersion
   * it read; when another writer came in between (409), again, unless the patch itself names a
   * resourceVersion (then the conflict is the answer, as from a real server).
   */
  private MockResponse mergePatch(String path, String contentType, String patchBody) {
    JsonNode patch = null;
    if (MERGE_PATCH.equals(contentType) || STRATEGIC_MERGE_PATCH.equals(contentType)) {
      try {
        patch = Serialization.jsonMapper().readTree(patchBody);
      } catch (java.io.IOException e) {
        return status(400, "BadRequest", "the patch is not JSON: " + e.getMessage());
      }
    }
    if (patch == null || (STRATEGIC_MERGE_PATCH.equals(contentType) && hasListOrDirective(patch))) {
      return status(
          415,
          "UnsupportedMediaType",
          "the local Kubernetes API takes --type merge and --type json patches, and a strategic"
              + " merge patch (kubectl's default) only without lists or $-directives; got "
              + contentType);
    }
    boolean preconditioned = patch.at("/metadata/resourceVersion").isTextual();
    // A Scale's spec.replicas is its workload's: patch the workload, answer with its Scale.
    String objectPath =
        path.endsWith(SCALE) ? path.substring(0, path.length() - SCALE.length()) : path;
    for (int attempt = 1; ; attempt++) {
      MockResponse current = objects.handleGet(objectPath);
      if (current.code() != 200) {
        return current;
      }
      JsonNode merged = mergePatch(readTree(bodyOf(current)), patch);
      MockResponse written = objects.dispatch(put(objectPath, merged));
      if (written.code() != 409 || preconditioned || attempt == 10) {
        return written;
      }
    }
  }

  /** RFC 7386: objects merge key by key, {@code null} removes a key, anything else replaces. */
  static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target != null && target.isObject()
            ? ((ObjectNode) target).deepCopy()
            : Serialization.jsonMapper().createObjectNode();
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), mergePatch(result.get(field.getKey()), field.getValue()));
      }
    }
    return result;
  }

  /** Where a strategic merge patch differs from a merge patch: lists and $-directives. */
  static boolean hasListOrDirective(JsonNode patch) {
    if (patch.isArray()) {
      return true;
    }
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      if (field.getKey().startsWith("$") || hasListOrDirective(field.getValue())) {
        return true;
      }
    }
    return false;
  }

  /** A PUT of a Scale ({@code kubectl scale --current-replicas}) as a patch of its workload. */
  private static String replicasPatch(String scaleBody) {
    JsonNode scale = readTree(scaleBody);
    ObjectNode patch = Serialization.jsonMapper().createObjectNode();
    patch.putObject("spec").set("replicas", scale.at("/spec/replicas"));
    if (scale.at("/metadata/resourceVersion").isTextual()) {
      patch.putObject("metadata").set("resourceVersion", scale.at("/metadata/resourceVersion"));
    }
    return patch.toString();
  }

  private static String asScale(String workloadJson) {
    JsonNode workload = readTree(workloadJson);
    JsonNode metadata = workload.path("metadata");
    Map<String, String> matchLabels = new TreeMap<>();
    workload
        .at("/spec/selector/matchLabels")
        .properties()
        .forEach(label -> matchLabels.put(label.getKey(), label.getValue().asText()));
    return Serialization.asJson(
        new ScaleBuilder()
            .withNewMetadata()
            .withName(metadata.path("name").asText())
            .withNamespace(metadata.path("namespace").asText())
            .withUid(metadata.path("uid").asText())
            .withResourceVersion(metadata.path("resourceVersion").asText())
            .withCreationTimestamp(metadata.path("creationTimestamp").asText())
            .endMetadata()
            .withNewSpec()
            .withReplicas(workload.at("/spec/replicas").asInt())
            .endSpec()
            .withNewStatus()
            .withReplicas(workload.at("/status/replicas").asInt())
            .withSelector(
                matchLabels.entrySet().stream()
                    .map(label -> label.getKey() + "=" + label.getValue())
                    .collect(Collectors.joining(",")))
            .endStatus()
            .build());
  }

  private static RecordedRequest put(String path, JsonNode body) {
    return new RecordedRequest(
        "HTTP/1.1",
        HttpMethod.PUT,
        path,
        Headers.builder().add("Content-Type", "application/json").build(),
        new Buffer(body.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private static String mediaType(RecordedRequest request) {
    String contentType = request.getHeader("Content-Type");
    return contentType == null ? null : contentType.split(";")[0].trim();
  }

  private static String bodyOf(MockResponse response) {
    return new String(response.getBody().getBytes(), StandardCharsets.UTF_8);
  }

  private static JsonNode readTree(String json) {
    try {
      return Serialization.jsonMapper().readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the CRUD dispatcher stored something that is not JSON", e);
    }
  }

  private static MockResponse status(int code, String reason, String message) {
    return json(
        code,
        Serialization.asJson(
            new StatusBuilder()
                .withStatus("Failure")
                .withCode(code)
                .withReason(reason)
                .withMessage(message)
                .build()));
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(body);
  }
}
