package health.clinicalops.rollbackorchestrator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import health.clinicalops.rollbackorchestrator.ClusterFixtures.Rev;
import health.clinicalops.testing.EmbeddedPostgresServer;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) as a separate process, killed
 * with SIGKILL between steps and started again: escalation timers and the database procedure
 * continue where the dead process left them. Real PostgreSQL, the fabric8 Kubernetes mock server in
 * CRUD mode, a real HTTP webhook receiver.
 */
class ProcessRestartIT {

  static final String OPERATOR = "Bearer it-operator-token";
  static final String SERVICE = "Bearer it-service-token";
  static final ObjectMapper JSON = new ObjectMapper();

  static EmbeddedPostgresServer postgres;
  static KubernetesMockServer kubernetes;
  static NamespacedKubernetesClient client;
  static HttpServer webhooks;
  static final List<String[]> PAGES = new CopyOnWriteArrayList<>();
  static Path backups;
  static Path app;
  static Process service;
  static int port;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void startInfrastructure() throws IOException {
    postgres = EmbeddedPostgresServer.start();
    postgres.createDatabase("orchestrator");
    postgres.createDatabase("clinicalapp");
    kubernetes =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    kubernetes.init();
    client = kubernetes.createClient();
    webhooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhooks.createContext(
        "/",
        exchange -> {
          String contact = exchange.getRequestURI().getPath().substring(1);
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          PAGES.add(new String[] {contact, body});
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    webhooks.start();
    backups = Files.createTempDirectory("it-backups-");
    // A private copy of the packaged app: a concurrent build rewriting target/ cannot pull jars
    // away from under the restarted processes.
    app = Files.createTempDirectory("it-quarkus-app-");
    Path packaged = Path.of("target", "quarkus-app").toAbsolutePath();
    try (var paths = Files.walk(packaged)) {
      for (Path source : paths.toList()) {
        Path copy = app.resolve(packaged.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(source, copy);
        }
      }
    }
  }

  @AfterAll
  static void stopInfrastructure() {
    stopService();
    if (webhooks != null) {
      webhooks.stop(0);
    }
    if (client != null) {
      client.close();
    }
    if (kubernetes != null) {
      kubernetes.destroy();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  /**
   * Starts the service on a free port. The port is free when chosen but may be taken by another
   * process before the service binds it (the service then exits at once): then it starts again on
   * another port.
   */
  static void startService() throws Exception {
    for (int attempt = 1; attempt <= 3; attempt++) {
      if (startServiceOnAFreePort()) {
        return;
      }
    }
    throw new AssertionError("the service exited at start three times: see target/*.log");
  }

  /** True when the service became ready, false when it exited first. */
  static boolean startServiceOnAFreePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String hooks = "http://127.0.0.1:" + webhooks.getAddress().getPort() + "/";
    String p = "-Dclinicalops.rollback-orchestrator.";
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Dquarkus.http.port=" + port,
            "-Dquarkus.datasource.jdbc.url=" + postgres.jdbcUrl("orchestrator"),
            "-Dquarkus.datasource.username=" + postgres.username(),
            "-Dquarkus.datasource.password=" + postgres.password(),
            "-Dquarkus.kubernetes-client.api-server-url=" + kubernetes.url("/"),
            "-Dquarkus.kubernetes-client.namespace=test",
            "-Dclinicalops.ops-state.namespace=test",
            "-Dclinicalops.security.service-tokens=it-service-token",
            "-Dclinicalops.security.operator-tokens=it-operator-token",
            "-Dclinicalops.security.outbound-token=it-service-token",
            "-Dquarkus.rest-client.audit-keeper.url=http://127.0.0.1:9",
            "-Dquarkus.log.console.json.enabled=false",
            p + "escalation.contacts.security-team.webhook-url=" + hooks + "security-team",
            p + "escalation.contacts.cto.webhook-url=" + hooks + "cto",
            p + "escalation.contacts.on-call-engineer.webhook-url=" + hooks + "on-call-engineer",
            p + "escalation.p1-ack-deadline=8s",
            p + "escalation.max-repages=0",
            p + "rollback.namespace=test",
            p + "rollback.targets=clinic-web",
            p + "rollback.rollout-poll-interval=200ms",
            p + "database-rollback.jdbc-url=" + postgres.jdbcUrl("clinicalapp"),
            p + "database-rollback.username=" + postgres.username(),
            p + "database-rollback.password=" + postgres.password(),
            p + "database-rollback.bin-directory=" + OrchestratorPostgresResource.clientBinaries(),
            p + "database-rollback.backup-directory=" + backups,
            p + "database-rollback.stale-after=3s",
            p + "database-rollback.supervision-interval=1s",
            "-jar",
            app.resolve("quarkus-run.jar").toString()));
    service =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(Path.of("target", "process-restart-it-" + port + ".log").toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> !service.isAlive() || ready());
    return service.isAlive();
  }

  static boolean ready() throws InterruptedException {
    try {
      return get("/q/health/ready").statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** SIGKILL: no shutdown hook, no clean stop — a crash. */
  static void killService() throws InterruptedException {
    service.destroyForcibly();
    service.waitFor();
  }

  static void stopService() {
    if (service != null && service.isAlive()) {
      service.destroyForcibly();
    }
  }

  static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", OPERATOR)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode getJson(String path) throws IOException, InterruptedException {
    return JSON.readTree(get(path).body());
  }

  static HttpResponse<String> post(String path, String token, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static long pages(String contact, String incidentId) {
    return PAGES.stream()
        .filter(p -> p[0].equals(contact) && p[1].contains("\"incidentId\":" + incidentId + ","))
        .count();
  }

  long count(String table) throws Exception {
    try (var c = postgres.connect("clinicalapp");
        var s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  String mode() {
    var cm = client.configMaps().inNamespace("test").withName("clinical-ops-state").get();
    return cm == null || cm.getData() == null
        ? "normal"
        : cm.getData().getOrDefault("mode", "normal");
  }

  @Test
  void escalationAndTheDatabaseProcedureSurviveAKilledProcess() throws Exception {
    startService();

    // 1. A P1 pages security at once; the process dies before the deadline.
    HttpResponse<String> opened =
        post(
            "/api/v1/incidents",
            SERVICE,
            "{\"dedupKey\":\"it-abuse\",\"runbook\":\"authentication-abuse\",\"severity\":\"P1\","
                + "\"title\":\"Credential stuffing\",\"evidence\":{\"kind\":\"authentication-abuse\"},\"source\":\"auth-guard\"}");
    assertEquals(201, opened.statusCode(), opened.body());
    String incident = JSON.readTree(opened.body()).get("id").asText();
    await().atMost(Duration.ofSeconds(5)).until(() -> pages("security-team", incident) == 1);
    // Killed between steps: after the page's delivery was committed (a kill inside that window
    // re-sends it: delivery is at-least-once, see the README).
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                "SENT"
                    .equals(
                        getJson("/api/v1/incidents/" + incident)
                            .path("pages")
                            .path(0)
                            .path("status")
                            .asText()));
    killService();

    // 2. The next process escalates once, after the deadline, and does not page security again.
    startService();
    await().atMost(Duration.ofSeconds(20)).until(() -> pages("cto", incident) == 1);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> pages("cto", incident) == 1 && pages("security-team", incident) == 1);

    // 3. A database rollback; the process dies after DEPLOY was persisted (waiting for the
    // rollout).
    postgres.execute(
        "clinicalapp",
        """
        CREATE TABLE "User" (id SERIAL PRIMARY KEY, email TEXT NOT NULL);
        CREATE TABLE "ClinicalNote" (id SERIAL PRIMARY KEY, body TEXT NOT NULL);
        CREATE TABLE "AuditLog" (id SERIAL PRIMARY KEY, action TEXT NOT NULL);
        INSERT INTO "User" (email) SELECT 'u' || g FROM generate_series(1, 20) g;
        INSERT INTO "ClinicalNote" (body) SELECT 'n' || g FROM generate_series(1, 20) g;
        INSERT INTO "AuditLog" (action) SELECT 'a' || g FROM generate_series(1, 20) g;
        """);
    assertEquals(
        201, post("/api/v1/database-backups", SERVICE, "{\"name\":\"predeploy\"}").statusCode());
    postgres.execute("clinicalapp", "INSERT INTO \"ClinicalNote\" (body) VALUES ('late')");
    ClusterFixtures.deploymentWithRevisions(
        client,
        "clinic-web",
        new Rev("registry/app:v1", true, "m1"),
        new Rev("registry/app:v2", true, "m1"),
        new Rev("registry/app:v3", false, "m2"));
    HttpResponse<String> requested =
        post(
            "/api/v1/rollbacks",
            OPERATOR,
            "{\"deployment\":\"clinic-web\",\"reason\":\"bad migration\","
                + "\"database\":{\"backup\":\"predeploy\"}}");
    assertEquals(202, requested.statusCode(), requested.body());
    String rollback = JSON.readTree(requested.body()).get("id").asText();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "AWAIT_ROLLOUT"
                    .equals(getJson("/api/v1/rollbacks/" + rollback).path("nextStep").asText()));
    assertEquals("maintenance", mode());
    killService();

    // 4. The next process takes it over at AWAIT_ROLLOUT; a controller finishes the rollout.
    startService();
    ClusterFixtures.completeRollout(client, "clinic-web");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "SUCCEEDED"
                    .equals(getJson("/api/v1/rollbacks/" + rollback).path("status").asText()));
    JsonNode steps = getJson("/api/v1/rollbacks/" + rollback).get("steps");
    List<String> done = new ArrayList<>();
    boolean resumedAtRollout = false;
    for (JsonNode step : steps) {
      if ("done".equals(step.get("outcome").asText())) {
        done.add(step.get("name").asText());
      }
      resumedAtRollout |=
          "resumed".equals(step.get("outcome").asText())
              && "AWAIT_ROLLOUT".equals(step.get("name").asText());
    }
    assertTrue(resumedAtRollout, steps.toString());
    assertEquals(
        List.of(
            "MAINTENANCE_ON",
            "BACKUP",
            "RESTORE",
            "DEPLOY",
            "AWAIT_ROLLOUT",
            "VERIFY_DATA",
            "MAINTENANCE_OFF",
            "VERIFY_HEALTH"),
        done,
        "every step exactly once, none repeated after the restart");
    assertEquals(20, count("ClinicalNote"));
    assertEquals("normal", mode());
  }
}
