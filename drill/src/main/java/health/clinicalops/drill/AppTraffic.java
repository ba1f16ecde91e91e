package health.clinicalops.drill;

import health.clinicalops.testing.ServiceProcess;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Stands in for the app's log shipper (Fluent Bit, Vector): every 200 ms a batch of the app's JSON
 * log lines goes to error-watch as NDJSON. The error share depends on the release the cluster runs:
 * a release listed as bad fails a quarter of its requests with a new error.
 */
final class AppTraffic implements AutoCloseable {

  private final ServiceProcess errorWatch;
  private final Supplier<String> runningImage;
  private final String badImage;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Random random = new Random(7);
  private final Thread sender;

  AppTraffic(ServiceProcess errorWatch, Supplier<String> runningImage, String badImage) {
    this.errorWatch = errorWatch;
    this.runningImage = runningImage;
    this.badImage = badImage;
    this.sender = new Thread(this::send, "drill-app-traffic");
    sender.setDaemon(true);
  }

  void start() {
    sender.start();
  }

  private void send() {
    while (running.get()) {
      String image = runningImage.get();
      String release = image.substring(image.indexOf(':') + 1);
      boolean bad = image.equals(badImage);
      StringBuilder batch = new StringBuilder();
      for (int i = 0; i < 50; i++) {
        batch.append(line(release, bad)).append('\n');
      }
      errorWatch.send(
          "POST",
          "/api/v1/logs",
          LocalStack.SERVICE_TOKEN,
          "application/x-ndjson",
          batch.toString());
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private String line(String release, boolean bad) {
    double roll = random.nextDouble();
    int user = 1 + random.nextInt(50);
    String region = random.nextBoolean() ? "eu-west" : "eu-central";
    if (bad && roll < 0.25) {
      return entry(
          "error",
          500,
          "/api/notes",
          user,
          region,
          release,
          "TypeError: Cannot read properties of undefined (reading 'patientId') at notes.ts:"
              + (40 + random.nextInt(5)));
    }
    if (roll < 0.02) {
      return entry(
          "error",
          503,
          "/api/labs",
          user,
          region,
          release,
          "Upstream timeout after " + (2900 + random.nextInt(200)) + " ms");
    }
    return entry("info", 200, "/api/notes", user, region, release, null);
  }

  private static String entry(
      String level,
      int status,
      String endpoint,
      int user,
      String region,
      String release,
      String error) {
    return "{\"timestamp\":\""
        + Instant.now()
        + "\",\"level\":\""
        + level
        + "\",\"message\":\"request\",\"status\":"
        + status
        + ",\"durationMs\":12,"
        + (error == null ? "" : "\"error\":{\"message\":\"" + error + "\"},")
        + "\"context\":{\"ip\":\"10.1.0."
        + user
        + "\",\"endpoint\":\""
        + endpoint
        + "\",\"method\":\"GET\",\"userId\":\"u-"
        + user
        + "\",\"userRole\":\"clinician\","
        + "\"region\":\""
        + region
        + "\",\"release\":\""
        + release
        + "\"}}";
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    sender.join(10_000);
  }
}
