package health.clinicalops.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.testing.ServiceProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * An operator puts the app in maintenance with a kubectl-style ConfigMap patch; every service must
 * see it within 1 s (each reports the mode it follows in its readiness data), then back to normal.
 */
final class OperatorMaintenanceScenario {

  static final String RUNBOOK = "ops-state (all runbooks)";
  private static final Duration LIMIT = Duration.ofSeconds(1);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalStack stack;
  private final Timeline timeline;

  OperatorMaintenanceScenario(LocalStack stack, Timeline timeline) {
    this.stack = stack;
    this.timeline = timeline;
  }

  void play() throws InterruptedException {
    switchTo("maintenance", "drill-operator");
    switchTo("normal", "drill-operator");
  }

  private void switchTo(String mode, String who) throws InterruptedException {
    Instant patched = Instant.now();
    stack
        .cluster()
        .patchOpsState(
            Map.of(
                "mode",
                mode,
                "mode.setBy",
                who,
                "mode.reason",
                "drill",
                "mode.since",
                patched.toString()));
    Set<String> pending = new HashSet<>(stack.services().keySet());
    long deadline = System.nanoTime() + LIMIT.multipliedBy(5).toNanos();
    while (!pending.isEmpty() && System.nanoTime() < deadline) {
      for (String name : Set.copyOf(pending)) {
        if (mode.equals(followedMode(stack.services().get(name)))) {
          pending.remove(name);
          Duration took = Duration.between(patched, Instant.now());
          String event = "kubectl patch mode=" + mode;
          String action = name + " follows mode=" + mode;
          if (took.compareTo(LIMIT) <= 0) {
            timeline.passed(RUNBOOK, event, action, patched, "-", "limit 1 s");
          } else {
            timeline.failed(RUNBOOK, event, action, patched, "-", "slower than 1 s");
          }
        }
      }
      Thread.sleep(20);
    }
    for (String name : pending) {
      timeline.failed(
          RUNBOOK,
          "kubectl patch mode=" + mode,
          name + " follows mode=" + mode,
          patched,
          "-",
          "never saw it (service down or not watching)");
    }
  }

  private static String followedMode(ServiceProcess service) {
    ServiceProcess.Response ready = service.get("/q/health/ready", null);
    if (ready.status() < 0) {
      return "";
    }
    try {
      for (JsonNode check : JSON.readTree(ready.body()).path("checks")) {
        if ("ops-state".equals(check.path("name").asText())) {
          return check.path("data").path("mode").asText();
        }
      }
    } catch (java.io.IOException e) {
      return "";
    }
    return "";
  }
}
