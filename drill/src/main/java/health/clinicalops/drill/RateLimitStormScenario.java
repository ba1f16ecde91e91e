package health.clinicalops.drill;

import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.testing.ServiceProcess;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runbook "Rate Limit Overwhelmed": a legitimate spike, 20 clients the app already knew (each made
 * one request in the statistics window before) all over the WRITE limit (30 per minute) at once.
 * auth-guard must open a P3 (the product team is paged), judge it a legitimate spike (many known
 * keys), apply temporary relief (WRITE doubled to 60) through the ops-state ConfigMap, and the
 * relief must expire by itself.
 */
final class RateLimitStormScenario {

  static final String RUNBOOK = "Rate Limit Overwhelmed";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** auth-guard's overwhelmed.window in the drill (DrillSettings). */
  private static final long STATS_WINDOW_MS = 10_000;

  private final LocalStack stack;
  private final Expectations expectations;

  RateLimitStormScenario(LocalStack stack, Timeline timeline) {
    this.stack = stack;
    this.expectations = new Expectations(timeline);
  }

  void play() {
    ServiceProcess authGuard = stack.services().get("auth-guard");
    int productPagesBefore = stack.pager().requestsTo("/product-team").size();
    // The clients are the app's users, seen before the storm: relief is never given to keys that
    // all appear with the spike (one attacker with many addresses could be behind them).
    long warmUpWindow = startOfAFreshWindow();
    for (int client = 1; client <= 20; client++) {
      check(authGuard, "storm-client-" + client);
    }
    sleepUntil((warmUpWindow + 1) * STATS_WINDOW_MS + 50);
    Instant storm = Instant.now();
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(20);
    for (int client = 1; client <= 20; client++) {
      String key = "storm-client-" + client;
      clients.add(
          CompletableFuture.runAsync(
              () -> {
                for (int request = 0; request < 35; request++) {
                  check(authGuard, key);
                }
              },
              threads));
    }
    clients.forEach(CompletableFuture::join);
    threads.shutdown();
    String event = "20 clients over the WRITE limit at once";
    expectations.expect(
        RUNBOOK,
        event,
        "P3 incident, product team paged",
        storm,
        "5 min (steps 1-2)",
        "judged per 10 s window (setting)",
        Duration.ofSeconds(30),
        () -> stack.pager().requestsTo("/product-team").size() > productPagesBefore);
    expectations.expect(
        RUNBOOK,
        event,
        "temporary relief: WRITE limit 30 -> 60",
        storm,
        "redeploy with RATE_LIMIT_WRITE_MAX=60 (step 3)",
        "ratelimit.override.WRITE",
        Duration.ofSeconds(30),
        () -> limitFor(authGuard) == 60);
    Instant relieved = Instant.now();
    expectations.expect(
        RUNBOOK,
        "relief applied",
        "relief expired, WRITE limit back to 30",
        relieved,
        "a person remembers to revert",
        "relief lasts 8 s (runbook: until redeploy)",
        Duration.ofSeconds(30),
        () -> limitFor(authGuard) == 30);
  }

  /** Waits, if needed, until a statistics window has just begun; returns its index. */
  private static long startOfAFreshWindow() {
    long now = System.currentTimeMillis();
    if (now % STATS_WINDOW_MS > STATS_WINDOW_MS / 2) {
      sleepUntil((now / STATS_WINDOW_MS + 1) * STATS_WINDOW_MS + 50);
    }
    return System.currentTimeMillis() / STATS_WINDOW_MS;
  }

  private static void sleepUntil(long epochMillis) {
    long wait = epochMillis - System.currentTimeMillis();
    if (wait <= 0) {
      return;
    }
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a statistics window", e);
    }
  }

  private static ServiceProcess.Response check(ServiceProcess authGuard, String key) {
    return authGuard.postJson(
        "/api/v1/rate-limit/check",
        LocalStack.APP_TOKEN,
        "{\"key\":\"" + key + "\",\"policy\":\"WRITE\",\"endpoint\":\"/api/notes\"}");
  }

  /** The WRITE limit auth-guard applies now, read from a decision for a fresh key. */
  private static int limitFor(ServiceProcess authGuard) {
    ServiceProcess.Response decision = check(authGuard, "probe-" + System.nanoTime());
    if (!decision.ok()) {
      return -1;
    }
    try {
      return JSON.readTree(decision.body()).path("limit").asInt(-1);
    } catch (IOException e) {
      return -1;
    }
  }
}
