package health.clinicalops.auditkeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.RecordingHttpServer;
import health.clinicalops.testing.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * audit-keeper as a separate process ({@code target/quarkus-app/quarkus-run.jar}) killed with
 * SIGKILL in the middle of a stream of events while it is spooling (the database is down), with a
 * torn record at the end of its spool: after a restart every acknowledged event is in "AuditLog"
 * exactly once, in the order it was acknowledged. Its incident reports go to a recorder standing in
 * for rollback-orchestrator that answers 503 until the restart: the report pending in the durable
 * outbox at the kill arrives after the restart under its own reportId, so the receiver applies it
 * exactly once.
 */
class AuditKeeperKillNineIT {

  static final String DATABASE = "clinicalops";
  static final String TOKEN = "it-service-token";
  static final String OPERATOR = "it-operator-token";

  static EmbeddedPostgresServer pg;
  static Path work;
  static int port;
  static ServiceProcess app;
  static RecordingHttpServer incidents;
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void startDatabase() throws IOException {
    pg = EmbeddedPostgresServer.start();
    pg.createDatabase(DATABASE);
    work = Files.createTempDirectory(Path.of("target"), "kill-nine-");
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    incidents = RecordingHttpServer.start();
    incidents.answerWith(report -> RecordingHttpServer.Answer.json(503, "{\"status\":503}"));
  }

  @AfterAll
  static void stopAll() throws InterruptedException {
    if (app != null) {
      app.kill();
    }
    if (pg != null) {
      pg.close();
    }
    if (incidents != null) {
      incidents.close();
    }
  }

  static ServiceProcess startApp(String name) throws InterruptedException {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("quarkus.datasource.jdbc.url", pg.jdbcUrl(DATABASE));
    settings.put("quarkus.datasource.username", pg.username());
    settings.put("quarkus.datasource.password", pg.password());
    settings.put("clinicalops.audit-keeper.spool.directory", work.resolve("spool").toString());
    settings.put(
        "clinicalops.audit-keeper.retention.directory", work.resolve("archive").toString());
    settings.put("clinicalops.audit-keeper.spool.replay-interval", "1s");
    settings.put("clinicalops.audit-keeper.retention.every", "off");
    settings.put("clinicalops.security.service-tokens", TOKEN);
    settings.put("clinicalops.security.operator-tokens", OPERATOR);
    settings.put("clinicalops.security.outbound-token", TOKEN);
    settings.put("clinicalops.ops-state.watch", "false");
    settings.put("quarkus.rest-client.rollback-orchestrator.url", incidents.url());
    settings.put("clinicalops.outbox.directory", work.resolve("outbox").toString());
    settings.put("quarkus.log.console.json.enabled", "false");
    ServiceProcess process = new ServiceProcess("audit-keeper", port, work.resolve(name + ".log"));
    process.start(
        Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath(), Map.of(), settings);
    process.awaitOk("/q/health/live", Duration.ofSeconds(180), Duration.ofMillis(250));
    return process;
  }

  /** The incident reports audit-keeper tried to send, with the status each was answered. */
  static List<Attempt> attempts() {
    return incidents.requestsTo("/api/v1/incidents").stream().map(Attempt::of).toList();
  }

  static List<Attempt> accepted() {
    return attempts().stream().filter(Attempt::accepted).toList();
  }

  record Attempt(String dedupKey, String reportId, boolean accepted) {
    static Attempt of(RecordingHttpServer.Request request) {
      try {
        JsonNode report = JSON.readTree(request.body());
        return new Attempt(
            report.path("dedupKey").asText(),
            report.path("reportId").asText(null),
            request.status() == 200);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** From now on rollback-orchestrator's stand-in takes reports: 200 with the incident. */
  static void acceptIncidents() {
    incidents.answerWith(
        body -> {
          try {
            String dedupKey = JSON.readTree(body).path("dedupKey").asText();
            return RecordingHttpServer.Answer.json(
                200,
                JSON.writeValueAsString(
                    Map.of("id", dedupKey, "dedupKey", dedupKey, "status", "open")));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  static HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + OPERATOR)
        .timeout(Duration.ofSeconds(10))
        .GET()
        .build();
  }

  static int status(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  static int send(String id) {
    String json =
        "{\"id\":\""
            + id
            + "\",\"userId\":\"u-kill\",\"action\":\"kill.stream\",\"details\":{\"i\":\""
            + id
            + "\"},\"timestamp\":\""
            + java.time.Instant.now()
            + "\",\"ipAddress\":\"10.0.0.1\"}";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/audit-events"))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    return status(request);
  }

  @Test
  void everyAcknowledgedEventSurvivesAKillNineWhileSpoolingAndATornSpoolTail() throws Exception {
    List<String> acknowledged = new CopyOnWriteArrayList<>();
    AtomicInteger next = new AtomicInteger();
    app = startApp("first");

    // 1. The database takes writes: 201.
    for (int i = 0; i < 30; i++) {
      String id = "kill-" + next.getAndIncrement();
      assertThat(send(id)).isEqualTo(201);
      acknowledged.add(id);
    }

    // 2. The database stops; a sender streams on (202, spooled) and the process is killed
    //    in the middle of the stream.
    pg.stop();
    AtomicBoolean stop = new AtomicBoolean();
    Thread sender =
        new Thread(
            () -> {
              while (!stop.get()) {
                String id = "kill-" + next.getAndIncrement();
                int status = send(id);
                if (status / 100 == 2) {
                  acknowledged.add(id);
                } else if (status < 0) {
                  return;
                }
              }
            });
    sender.start();
    await().atMost(Duration.ofSeconds(120)).until(() -> acknowledged.size() >= 90);
    // The spooling incident has been tried (and refused with 503): it is pending in the outbox.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(attempts()).isNotEmpty());
    app.kill();
    stop.set(true);
    sender.join(30_000);
    int acknowledgedBeforeKill = acknowledged.size();

    // 3. A crash mid-append leaves a torn record at the end of the spool.
    Path spoolFile = work.resolve("spool").resolve("audit-events.spool");
    assertThat(Files.size(spoolFile)).isPositive();
    try (FileChannel ch = FileChannel.open(spoolFile, StandardOpenOption.APPEND)) {
      ByteBuffer torn = ByteBuffer.allocate(20);
      torn.putInt(0x41554431).putInt(500).putInt(7).putInt(1).putInt(2).flip();
      ch.write(torn);
    }

    // The spooling incident was reported while rollback-orchestrator answered 503: it waits in the
    // outbox on disk.
    List<Attempt> refusedBeforeKill = attempts();
    String pendingReport = refusedBeforeKill.get(0).reportId();
    assertThat(accepted()).isEmpty();

    // 4. The database and the process come back; the stream goes on.
    acceptIncidents();
    pg.restart();
    app = startApp("second");
    for (int i = 0; i < 20; i++) {
      String id = "kill-" + next.getAndIncrement();
      assertThat(send(id)).isBetween(201, 202);
      acknowledged.add(id);
    }

    // 5. Every acknowledged event is in the table once, in acknowledgement order.
    await().atMost(Duration.ofSeconds(120)).until(() -> storedIds().containsAll(acknowledged));
    List<String> stored = storedIds();
    assertThat(new HashSet<>(stored)).hasSameSizeAs(stored);
    assertThat(stored.stream().filter(acknowledged::contains).toList())
        .containsExactlyElementsOf(acknowledged);
    assertThat(acknowledgedBeforeKill).isGreaterThanOrEqualTo(90);
    try (Stream<Path> files = Files.list(work.resolve("spool"))) {
      assertThat(files.anyMatch(p -> p.toString().endsWith(".corrupt"))).isTrue();
    }
    // Delivery is at least once: a call that timed out on a loaded machine is sent again, with the
    // same reportId, which rollback-orchestrator applies once (IncidentApiTest). What must hold is
    // that the report pending at the kill arrives after the restart under its own id, and that
    // every
    // attempt carries an id for the receiver to check.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> assertThat(accepted()).extracting(Attempt::reportId).contains(pendingReport));
    assertThat(attempts())
        .as("every attempt carries a reportId")
        .filteredOn(a -> a.reportId() == null)
        .isEmpty();
    HttpResponse<String> verify =
        HTTP.send(get("/api/v1/audit/verify"), HttpResponse.BodyHandlers.ofString());
    assertThat(verify.statusCode()).isEqualTo(200);
    assertThat(verify.body()).contains("\"valid\":true");
  }

  static List<String> storedIds() throws Exception {
    List<String> ids = new ArrayList<>();
    try (Connection c = pg.connect(DATABASE);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT \"id\" FROM \"AuditLog\" WHERE \"id\" LIKE 'kill-%' ORDER BY \"seq\"")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }
}
