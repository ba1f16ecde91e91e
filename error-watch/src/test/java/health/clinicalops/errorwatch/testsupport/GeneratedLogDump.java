package health.clinicalops.errorwatch.testsupport;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * A generated {@code logs.json} with known answers: the rows the runbook's pipeline {@code grep
 * '"level":"error"' | jq -r '.error.message' | sort | uniq -c} must print (exact message → count),
 * and for each error template the fingerprint it must merge into and how many lines it made.
 */
public final class GeneratedLogDump {

  /** Exact error.message → count: the pipeline's rows. */
  public final Map<String, Long> pipelineRows = new HashMap<>();

  /** Expected fingerprint → count. */
  public final Map<String, Long> fingerprintCounts = new LinkedHashMap<>();

  public final String ndjson;
  public long infoLines;

  public GeneratedLogDump(Instant start, int seed) {
    Random random = new Random(seed);
    LogTraffic traffic = new LogTraffic();
    long t = start.toEpochMilli();
    String[] templates = {
      "Rate limit exceeded for <ip>",
      "Invalid credentials",
      "User <id> not found",
      "Note <uuid> not found",
      "Unexpected token } in JSON at position <n>",
      "Connection refused to <ip>",
      "Email <email> already registered",
      "Stripe API error: card_declined",
    };
    for (int i = 0; i < 3000; i++) {
      Instant at = Instant.ofEpochMilli(t + i * 100L);
      if (random.nextInt(4) != 0) {
        traffic.line(at, null, 200, "info");
        infoLines++;
        continue;
      }
      int which = random.nextInt(templates.length);
      String message =
          switch (which) {
            case 0 -> "Rate limit exceeded for 203.0.113." + random.nextInt(40);
            case 1 -> "Invalid credentials";
            case 2 -> "User u-" + random.nextInt(500) + " not found";
            case 3 ->
                "Note "
                    + UUID.nameUUIDFromBytes(new byte[] {(byte) random.nextInt(50)})
                    + " not found";
            case 4 -> "Unexpected token } in JSON at position " + random.nextInt(2000);
            case 5 ->
                "Connection refused to 10.0."
                    + random.nextInt(3)
                    + ".5:"
                    + (5432 + random.nextInt(2));
            case 6 -> "Email user" + random.nextInt(30) + "@example.org already registered";
            default -> "Stripe API error: card_declined";
          };
      traffic.line(at, message, which == 1 ? 401 : 500, "error");
      pipelineRows.merge(message, 1L, Long::sum);
      fingerprintCounts.merge(templates[which], 1L, Long::sum);
    }
    this.ndjson = traffic.ndjson();
  }
}
