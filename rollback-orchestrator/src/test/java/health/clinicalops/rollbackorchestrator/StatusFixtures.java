package health.clinicalops.rollbackorchestrator;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.util.List;
import java.util.UUID;

/** Seeds incidents and resets the shared state (open incidents, mode) between status tests. */
final class StatusFixtures {

  static final String SERVICE = "Bearer test-service-token";
  static final String OPERATOR = "Bearer test-operator-token";

  /** Internal evidence that must never reach a public output. */
  static final String SECRET_IP = "203.0.113.99";

  static final String SECRET_USER = "dr.mallory.jones";

  private StatusFixtures() {}

  /** Resolves every open incident (other test classes leave some) and sets the mode to normal. */
  static void cleanSlate() {
    List<Integer> open =
        given()
            .header("Authorization", OPERATOR)
            .queryParam("status", "open")
            .queryParam("limit", 1000)
            .get("/api/v1/incidents")
            .then()
            .statusCode(200)
            .extract()
            .path("id");
    for (Integer id : open) {
      given()
          .header("Authorization", OPERATOR)
          .contentType(ContentType.JSON)
          .body("{\"detail\":\"test clean-up\"}")
          .post("/api/v1/incidents/" + id + "/resolve")
          .then()
          .statusCode(200);
    }
    setMode("normal");
  }

  static void setMode(String mode) {
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body("{\"mode\":\"" + mode + "\",\"reason\":\"status page test\"}")
        .put("/api/v1/maintenance")
        .then()
        .statusCode(200);
  }

  /**
   * Opens an incident whose title and evidence hold an IP address and a username (what the public
   * must never see) and returns its id.
   */
  static String openWithSecrets(String runbook, String severity) {
    return given()
        .header("Authorization", SERVICE)
        .contentType(ContentType.JSON)
        .body(
            """
            {"dedupKey":"%s","runbook":"%s","severity":"%s",
             "title":"Credential stuffing from %s against %s",
             "evidence":%s,"source":"auth-guard",
             "step":{"action":"ip.blocked","detail":"blocked %s for 15m","actor":"auth-guard"}}
            """
                .formatted(
                    "status-" + UUID.randomUUID(),
                    runbook,
                    severity,
                    SECRET_IP,
                    SECRET_USER,
                    evidenceWithSecrets(runbook),
                    SECRET_IP))
        .post("/api/v1/incidents")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  /** Evidence of the runbook's own kind with the IP and username in its fields. */
  private static String evidenceWithSecrets(String runbook) {
    String fields =
        switch (runbook) {
          case "authentication-abuse" -> "\"ip\":\"%s\",\"username\":\"%s\",\"failures\":412";
          case "database-connectivity-loss" -> "\"detail\":\"%s\",\"username\":\"%s\"";
          case "audit-log-failure" -> "\"cause\":\"%s\",\"databaseUser\":\"%s\"";
          case "error-rate-spike" -> "\"decision\":\"%s\",\"databaseCause\":\"%s\"";
          case "rate-limit-overwhelmed" ->
              "\"policy\":\"%s\",\"topKeys\":[{\"key\":\"%s\",\"responses429\":9}]";
          default -> "\"deployment\":\"%s\",\"reason\":\"%s\"";
        };
    return ("{\"kind\":\"" + runbook + "\"," + fields + "}").formatted(SECRET_IP, SECRET_USER);
  }

  static void publicUpdate(String id, String status, String message) {
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body("{\"status\":\"" + status + "\",\"message\":\"" + message + "\"}")
        .post("/api/v1/incidents/" + id + "/public-updates")
        .then()
        .statusCode(200);
  }

  static void resolve(String id, String publicMessage) {
    given()
        .header("Authorization", OPERATOR)
        .contentType(ContentType.JSON)
        .body(
            publicMessage == null
                ? "{\"detail\":\"fixed\"}"
                : "{\"detail\":\"fixed\",\"publicMessage\":\"" + publicMessage + "\"}")
        .post("/api/v1/incidents/" + id + "/resolve")
        .then()
        .statusCode(200);
  }
}
