package health.clinicalops.authguard.support;

import static io.restassured.RestAssured.given;

import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Small helpers for calling auth-guard over HTTP with the test tokens. */
public final class Api {

  public static final String APP_TOKEN = "test-app-token";
  public static final String SERVICE_TOKEN = "test-service-token";
  public static final String OPERATOR_TOKEN = "test-operator-token";

  private Api() {}

  /** The clinical app's token: events and checks only. */
  public static RequestSpecification asApp() {
    return given().header("Authorization", "Bearer " + APP_TOKEN);
  }

  public static RequestSpecification asService() {
    return given().header("Authorization", "Bearer " + SERVICE_TOKEN);
  }

  public static RequestSpecification asOperator() {
    return given().header("Authorization", "Bearer " + OPERATOR_TOKEN);
  }

  public static ValidatableResponse check(String key, String policy) {
    return asService()
        .contentType(ContentType.JSON)
        .body(Map.of("key", key, "policy", policy))
        .post("/api/v1/rate-limit/check")
        .then();
  }

  public static ValidatableResponse checkFromIp(String key, String policy, String ip) {
    return asService()
        .contentType(ContentType.JSON)
        .body(Map.of("key", key, "policy", policy, "ip", ip))
        .post("/api/v1/rate-limit/check")
        .then();
  }

  /** One failed sign-in event as a JSON map. */
  public static Map<String, Object> failure(String ip, String username, String fingerprint) {
    return fingerprint == null
        ? Map.of("ip", ip, "username", username, "outcome", "failure")
        : Map.of(
            "ip",
            ip,
            "username",
            username,
            "outcome",
            "failure",
            "passwordFingerprint",
            fingerprint);
  }

  /** {@code count} failures from one IP, spread over ten accounts (only the per-IP threshold). */
  public static List<Map<String, Object>> failures(String ip, int count) {
    List<Map<String, Object>> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(failure(ip, "user" + (i % 10) + "@" + ip + ".example", "fp-" + ip + "-" + i));
    }
    return events;
  }

  public static ValidatableResponse sendBatch(List<Map<String, Object>> events) {
    String body = events.stream().map(Api::toJson).collect(Collectors.joining("\n", "", "\n"));
    return ndjson(body);
  }

  /** Posts an NDJSON body as text (RestAssured has no encoder for the media type). */
  public static ValidatableResponse ndjson(String body) {
    return asService()
        .config(
            RestAssured.config()
                .encoderConfig(
                    EncoderConfig.encoderConfig()
                        .encodeContentTypeAs("application/x-ndjson", ContentType.TEXT)))
        .contentType("application/x-ndjson")
        .body(body)
        .post("/api/v1/auth-events")
        .then();
  }

  public static ValidatableResponse send(Map<String, Object> event) {
    return asService().contentType(ContentType.JSON).body(event).post("/api/v1/auth-events").then();
  }

  private static String toJson(Map<String, Object> event) {
    return event.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
        .collect(Collectors.joining(",", "{", "}"));
  }
}
