package health.clinicalops.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.testing.ServiceProcess;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Runbooks "Error Rate Spike" and "Rollback Deployment" (code only): release N+1 raises the error
 * ratio from 2% to about 25%; error-watch must alert and decide "suspect deployment"; with the
 * chart's default {@code recommend} the rollback to N waits for the on-call engineer, who approves
 * it; rollback-orchestrator rolls back to N, and the ratio must fall back below the threshold.
 */
final class BadReleaseScenario {

  static final String SPIKE_RUNBOOK = "Error Rate Spike";
  static final String ROLLBACK_RUNBOOK = "Rollback Deployment";
  static final String GOOD = "registry.local/clinical-app:v2.0.5";
  static final String BAD = "registry.local/clinical-app:v2.0.6";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalStack stack;
  private final Expectations expectations;

  BadReleaseScenario(LocalStack stack, Timeline timeline) {
    this.stack = stack;
    this.expectations = new Expectations(timeline);
  }

  void play() throws Exception {
    ServiceProcess errorWatch = stack.services().get("error-watch");
    LocalDeploymentController app = stack.app();
    int onCallPagesBefore = stack.pager().requestsTo("/on-call-engineer").size();
    try (AppTraffic traffic = new AppTraffic(errorWatch, app::runningImage, BAD)) {
      traffic.start();
      Await.until(Duration.ofSeconds(3), () -> status(errorWatch).contains("OK"));

      Instant deployed = Instant.now();
      app.deploy(BAD, "42");
      String event = "release v2.0.6 deployed, errors 2% -> 25%";
      expectations.expect(
          SPIKE_RUNBOOK,
          event,
          "error-watch alert firing",
          deployed,
          "3 min (step 1)",
          "trigger >10% for 5 s (runbook: 5 min)",
          Duration.ofSeconds(30),
          () -> status(errorWatch).contains("FIRING"));
      expectations.expect(
          SPIKE_RUNBOOK,
          event,
          "P2 incident, on-call engineer paged",
          deployed,
          "at once (escalation)",
          "",
          Duration.ofSeconds(20),
          () -> stack.pager().requestsTo("/on-call-engineer").size() > onCallPagesBefore);
      ServiceProcess orchestrator = stack.services().get("rollback-orchestrator");
      expectations.expect(
          ROLLBACK_RUNBOOK,
          event,
          "rollback recommended, awaiting approval",
          deployed,
          "5 min (pre-rollback checklist)",
          "decision: suspect deployment, mode recommend",
          Duration.ofSeconds(30),
          () -> awaitingApproval(orchestrator).isPresent());
      Instant approved = Instant.now();
      awaitingApproval(orchestrator)
          .ifPresent(
              id -> {
                ServiceProcess.Response approval =
                    orchestrator.postJson(
                        "/api/v1/rollbacks/" + id + "/approve", LocalStack.OPERATOR_TOKEN, "{}");
                if (!approval.ok()) {
                  System.err.println(
                      "approval refused: " + approval.status() + " " + approval.body());
                }
              });
      boolean rolledBackInTime =
          expectations.expect(
              ROLLBACK_RUNBOOK,
              "the on-call engineer approves",
              "code-only rollback to v2.0.5",
              approved,
              "5 min (code-only rollback)",
              "POST /api/v1/rollbacks/{id}/approve",
              Duration.ofSeconds(30),
              () -> GOOD.equals(app.currentImage()));
      if (!rolledBackInTime) {
        explain(errorWatch, stack.services().get("rollback-orchestrator"));
      }
      Instant rolledBack = Instant.now();
      expectations.expect(
          SPIKE_RUNBOOK,
          "rollback done",
          "error ratio back under 10%, alert resolved",
          rolledBack,
          "monitor (step 6)",
          "resolve below 5% for 5 s",
          Duration.ofSeconds(40),
          () -> status(errorWatch).contains("\"OK\""));
    }
  }

  /** The id of the clinical app's rollback that waits for a person, if there is one. */
  private static Optional<String> awaitingApproval(ServiceProcess orchestrator) {
    ServiceProcess.Response rollbacks =
        orchestrator.get(
            "/api/v1/rollbacks?deployment=" + LocalDeploymentController.APP,
            LocalStack.OPERATOR_TOKEN);
    if (!rollbacks.ok()) {
      return Optional.empty();
    }
    try {
      for (JsonNode rollback : JSON.readTree(rollbacks.body())) {
        if ("AWAITING_APPROVAL".equals(rollback.path("status").asText())) {
          return Optional.of(rollback.path("id").asText());
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** What the two services say when the rollback did not happen: the decision and the rollbacks. */
  private static void explain(ServiceProcess errorWatch, ServiceProcess orchestrator) {
    String current = status(errorWatch);
    System.err.println("error-watch alert: " + current);
    String alertId = current.replaceAll(".*\"alertId\":\"([^\"]+)\".*", "$1");
    System.err.println(
        "error-watch decision: "
            + errorWatch.get("/api/v1/alerts/" + alertId, LocalStack.SERVICE_TOKEN).body());
    System.err.println(
        "rollback-orchestrator rollbacks: "
            + orchestrator.get("/api/v1/rollbacks", LocalStack.SERVICE_TOKEN).body());
  }

  private static String status(ServiceProcess errorWatch) {
    ServiceProcess.Response current =
        errorWatch.get("/api/v1/alerts/current", LocalStack.SERVICE_TOKEN);
    return current.ok() ? current.body() : "";
  }
}
