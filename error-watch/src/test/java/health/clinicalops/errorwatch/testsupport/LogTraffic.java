package health.clinicalops.errorwatch.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Generates the app's log lines with known answers: per 10-second bucket, {@code perBucket} lines
 * of which exactly {@code round(ratio * perBucket)} are errors (level=error, status 500), cycling
 * through the given error messages.
 */
public final class LogTraffic {

  private final StringBuilder out = new StringBuilder();
  private long errors;
  private long lines;

  public LogTraffic add(
      Instant from, Duration length, double ratio, int perBucket, List<String> errorMessages) {
    long bucketMillis = 10_000;
    int errorsPerBucket = (int) Math.round(ratio * perBucket);
    int cycle = 0;
    for (long t = from.toEpochMilli(); t < from.plus(length).toEpochMilli(); t += bucketMillis) {
      for (int i = 0; i < perBucket; i++) {
        Instant at = Instant.ofEpochMilli(t + i * (bucketMillis / perBucket));
        if (i < errorsPerBucket) {
          line(at, errorMessages.get(cycle++ % errorMessages.size()), 500, "error");
          errors++;
        } else {
          line(at, null, i % 10 == 9 ? 404 : 200, i % 10 == 9 ? "warn" : "info");
        }
        lines++;
      }
    }
    return this;
  }

  public void line(Instant at, String errorMessage, int status, String level) {
    out.append("{\"timestamp\":\"")
        .append(at)
        .append("\",\"level\":\"")
        .append(level)
        .append("\",\"message\":\"")
        .append(errorMessage == null ? "request.ok" : "request.failed")
        .append("\",\"status\":")
        .append(status)
        .append(",\"durationMs\":12");
    if (errorMessage != null) {
      out.append(",\"error\":{\"message\":\"")
          .append(errorMessage.replace("\"", "\\\""))
          .append("\"}");
    }
    out.append(
            ",\"context\":{\"ip\":\"203.0.113.7\",\"endpoint\":\"/api/notes\",\"method\":\"GET\",")
        .append("\"userId\":\"u-123\",\"userRole\":\"clinician\",\"region\":\"eu-west\",")
        .append("\"release\":\"v2.0.5\"}}\n");
  }

  public String ndjson() {
    return out.toString();
  }

  public long errors() {
    return errors;
  }

  public long lines() {
    return lines;
  }
}
