package health.clinicalops.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;

/**
 * The app's JSON log lines (DESIGN.md format) for the error-watch benchmark: about 8% errors from
 * six bugs, most of whose messages carry ids, IP addresses or durations, so that counting exact
 * messages (the runbook's pipeline) splits one bug into many rows.
 */
final class BenchLogs {

  static final double ERROR_SHARE = 0.08;

  private static final String[] ENDPOINTS = {
    "/api/notes", "/api/notes/[id]", "/api/patients/[id]", "/api/auth/signin", "/api/admin/users"
  };
  private static final String[] ROLES = {"clinician", "nurse", "admin", "patient"};
  private static final String[] REGIONS = {"eu-west", "eu-central", "us-east"};

  private final Random random;

  BenchLogs(long seed) {
    this.random = new Random(seed);
  }

  /** Writes {@code lines} lines spread over {@code spanMillis} from {@code start}. */
  void write(Path file, int lines, Instant start, long spanMillis) throws IOException {
    long step = Math.max(1, spanMillis / Math.max(1, lines));
    long t0 = start.toEpochMilli();
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder(400);
      for (int i = 0; i < lines; i++) {
        line.setLength(0);
        append(line, t0 + i * step);
        out.write(line.toString());
        out.write('\n');
      }
    }
  }

  /** One log line at {@code epochMillis}. */
  void append(StringBuilder b, long epochMillis) {
    boolean error = random.nextDouble() < ERROR_SHARE;
    String ip = "203.0.113." + random.nextInt(256);
    String user = "u-" + random.nextInt(5000);
    String role = ROLES[random.nextInt(ROLES.length)];
    String region = REGIONS[random.nextInt(REGIONS.length)];
    String release = "v2.0." + (5 + random.nextInt(2));
    String endpoint;
    String method;
    String message;
    String errorMessage = null;
    int status;
    String level;
    if (error) {
      level = "error";
      int bug = random.nextInt(100);
      if (bug < 30) {
        endpoint = "/api/auth/signin";
        method = "POST";
        message = "auth.signin.failure";
        status = 401;
        errorMessage = "Invalid credentials for " + user + " from " + ip;
      } else if (bug < 55) {
        endpoint = "/api/notes";
        method = "GET";
        message = "notes.list.failed";
        status = 504;
        errorMessage =
            "Timed out fetching notes for patient p-"
                + random.nextInt(20000)
                + " after "
                + (5000 + random.nextInt(300))
                + "ms";
      } else if (bug < 70) {
        endpoint = "/api/notes/[id]";
        method = "PUT";
        message = "notes.update.failed";
        status = 500;
        errorMessage =
            "Connection terminated unexpectedly (10.0."
                + random.nextInt(4)
                + "."
                + random.nextInt(256)
                + ":5432)";
      } else if (bug < 82) {
        endpoint = "/api/notes/[id]";
        method = "GET";
        message = "notes.read.failed";
        status = 500;
        errorMessage =
            "Note " + new UUID(random.nextLong(), random.nextLong()) + " has no author record";
      } else if (bug < 92) {
        endpoint = "/api/patients/[id]";
        method = "GET";
        message = "patients.read.failed";
        status = 502;
        errorMessage =
            "Upstream labs API answered 503 for order ord_" + (100000 + random.nextInt(900000));
      } else {
        endpoint = "/api/admin/users";
        method = "GET";
        message = "admin.users.failed";
        status = 500;
        errorMessage = "TypeError: Cannot read properties of undefined (reading 'role')";
      }
    } else {
      endpoint = ENDPOINTS[random.nextInt(ENDPOINTS.length)];
      method = random.nextInt(4) == 0 ? "POST" : "GET";
      int kind = random.nextInt(100);
      if (kind < 3) {
        level = "warn";
        status = 429;
        message = "rate.limited";
      } else if (kind < 6) {
        level = "warn";
        status = 404;
        message = "not.found";
      } else {
        level = "info";
        status = 200;
        message = "request.completed";
      }
    }
    b.append("{\"timestamp\":\"")
        .append(Instant.ofEpochMilli(epochMillis))
        .append("\",\"level\":\"")
        .append(level)
        .append("\",\"message\":\"")
        .append(message)
        .append("\",\"status\":")
        .append(status)
        .append(",\"durationMs\":")
        .append(5 + random.nextInt(400));
    if (errorMessage != null) {
      b.append(",\"error\":{\"message\":\"").append(errorMessage).append("\"}");
    }
    b.append(",\"context\":{\"ip\":\"")
        .append(ip)
        .append("\",\"endpoint\":\"")
        .append(endpoint)
        .append("\",\"method\":\"")
        .append(method)
        .append("\",\"userId\":\"")
        .append(user)
        .append("\",\"userRole\":\"")
        .append(role)
        .append("\",\"region\":\"")
        .append(region)
        .append("\",\"release\":\"")
        .append(release)
        .append("\"}}");
  }
}
