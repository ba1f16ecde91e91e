package health.clinicalops.bench;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * audit-keeper's write path against its baselines, all writing the same kind of rows into the same
 * {@code "AuditLog"} table (with its hash-chain trigger) of the same database, each commit durable
 * (the server's {@code synchronous_commit} and {@code fsync}, which nobody here changes).
 */
final class BenchAudit {

  static final String INSERT =
      "INSERT INTO \"AuditLog\" (\"id\", \"userId\", \"action\", \"details\", \"timestamp\","
          + " \"ipAddress\") VALUES (?, ?, ?, ?::jsonb, ?, ?)";
  static final String COPY =
      "COPY \"AuditLog\" (\"id\", \"userId\", \"action\", \"details\", \"timestamp\","
          + " \"ipAddress\") FROM STDIN (FORMAT csv)";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private BenchAudit() {}

  /** One event's fields; {@code n} makes the id unique within the run. */
  record Event(String id, String userId, String action, String details, Instant at, String ip) {
    static Event next(String run, Instant at) {
      long n = SEQUENCE.incrementAndGet();
      return new Event(
          "bench-" + run + "-" + n,
          "u-" + (n % 500),
          "note.read",
          "{\"noteId\":\"cn-" + n + "\",\"via\":\"bench\"}",
          at,
          "198.51.100." + (n % 250));
    }

    String ndjson() {
      return "{\"id\":\""
          + id
          + "\",\"userId\":\""
          + userId
          + "\",\"action\":\""
          + action
          + "\",\"details\":"
          + details
          + ",\"timestamp\":\""
          + at
          + "\",\"ipAddress\":\""
          + ip
          + "\"}";
    }

    String csv() {
      return id
          + ","
          + userId
          + ","
          + action
          + ",\""
          + details.replace("\"", "\"\"")
          + "\","
          + at
          + ","
          + ip
          + "\n";
    }
  }

  /** Baseline (a): a JDBC loop of single autocommit INSERTs for {@code seconds}; rows/s. */
  static double singleInserts(Connection c, String run, double seconds) throws SQLException {
    c.setAutoCommit(true);
    long rows = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      while (System.nanoTime() < end) {
        Event e = Event.next(run, Instant.now());
        ps.setString(1, e.id());
        ps.setString(2, e.userId());
        ps.setString(3, e.action());
        ps.setString(4, e.details());
        ps.setTimestamp(5, Timestamp.from(e.at()));
        ps.setString(6, e.ip());
        ps.executeUpdate();
        rows++;
      }
    }
    return rows / ((System.nanoTime() - start) / 1e9);
  }

  /** Baseline (b): one COPY (autocommit: one commit) per batch of {@code batch} rows; rows/s. */
  static double copyBatches(Connection c, String run, int batch, double seconds) throws Exception {
    c.setAutoCommit(true);
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    long rows = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    while (System.nanoTime() < end) {
      rows += copy.copyIn(COPY, new StringReader(csv(run, batch, Instant.now())));
    }
    return rows / ((System.nanoTime() - start) / 1e9);
  }

  /** Loads {@code rows} rows with timestamp {@code at} through COPY, in chunks of 50,000. */
  static void bulkLoad(Connection c, String run, long rows, Instant at) throws Exception {
    c.setAutoCommit(true);
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    for (long done = 0; done < rows; ) {
      int chunk = (int) Math.min(50_000, rows - done);
      copy.copyIn(COPY, new StringReader(csv(run, chunk, at)));
      done += chunk;
    }
  }

  private static String csv(String run, int rows, Instant at) {
    StringBuilder b = new StringBuilder(rows * 110);
    for (int i = 0; i < rows; i++) {
      b.append(Event.next(run, at).csv());
    }
    return b.toString();
  }

  /**
   * audit-keeper's batch endpoint: {@code senders} clients each POST NDJSON batches of {@code
   * batch} events for {@code seconds}; counts only events acknowledged as durable in the database
   * (201). Returns rows/s.
   */
  static double serviceBatches(
      String baseUrl, String token, String run, int batch, int senders, double seconds)
      throws Exception {
    AtomicLong stored = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int s = 0; s < senders; s++) {
        futures.add(
            pool.submit(
                () -> {
                  while (System.nanoTime() < end) {
                    StringBuilder body = new StringBuilder(batch * 200);
                    Instant now = Instant.now();
                    for (int i = 0; i < batch; i++) {
                      body.append(Event.next(run, now).ndjson()).append('\n');
                    }
                    HttpRequest request =
                        HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/audit-events"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/x-ndjson")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                            .build();
                    HttpResponse<String> response =
                        HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 201
                        && response.body().contains("\"durableIn\":\"database\"")) {
                      stored.addAndGet(batch);
                    } else {
                      refused.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    if (refused.get() > 0) {
      throw new IllegalStateException(
          refused.get() + " audit batches were not stored in the database (spooled or refused)");
    }
    return stored.get() / ((System.nanoTime() - start) / 1e9);
  }
}
