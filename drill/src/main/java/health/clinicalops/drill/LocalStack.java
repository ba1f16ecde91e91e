package health.clinicalops.drill;

import health.clinicalops.testing.Directories;
import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.EmbeddedRedisServer;
import health.clinicalops.testing.RecordingHttpServer;
import health.clinicalops.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code ./clinops up} runs on this machine: a real PostgreSQL with the app's tables, a
 * real Redis, a local Kubernetes API with the ops-state ConfigMap, and the five services as
 * separate JVM processes wired to them.
 */
public final class LocalStack implements AutoCloseable {

  /** The clinical app's token: auth and audit events, rate-limit and block checks only. */
  public static final String APP_TOKEN = "drill-app-token";

  /** The pipeline's and the log shipper's token (role service), named "pipeline". */
  public static final String SERVICE_TOKEN = "pipeline.drill-pipeline-token";

  public static final String OPERATOR_TOKEN = "drill-operator-token";

  /**
   * Service name → local port: by default 8081–8085, each service's %dev port; the system property
   * {@code clinops.port-base} moves them (the end-to-end test uses its own, so that it does not
   * collide with a {@code ./clinops up} left running).
   */
  public static final Map<String, Integer> SERVICES = new LinkedHashMap<>();

  static {
    int base = Integer.getInteger("clinops.port-base", 8080);
    SERVICES.put("auth-guard", base + 1);
    SERVICES.put("db-sentinel", base + 2);
    SERVICES.put("audit-keeper", base + 3);
    SERVICES.put("error-watch", base + 4);
    SERVICES.put("rollback-orchestrator", base + 5);
  }

  private final Path repo;
  private final Path workDir;
  private final Progress progress;
  private EmbeddedPostgresServer postgres;
  private EmbeddedPostgresServer opsPostgres;
  private RecordingHttpServer pager;
  private EmbeddedRedisServer redis;
  private LocalCluster cluster;
  private LocalDeploymentController app;
  private Path kubeconfig;
  private final Map<String, ServiceProcess> services = new LinkedHashMap<>();

  public LocalStack(Path repo, Progress progress) {
    this.repo = repo;
    this.workDir =
        Path.of(System.getProperty("clinops.work-dir", repo.resolve(".clinops").toString()));
    this.progress = progress;
  }

  public void start() throws Exception {
    Files.createDirectories(workDir);
    // An earlier run's backups, audit spool and outboxes belong to its databases: restoring a
    // backup or replaying a spool or outbox into this run's fresh ones would be wrong.
    Directories.deleteRecursively(workDir.resolve("backups"));
    Directories.deleteRecursively(workDir.resolve("audit-spool"));
    Directories.deleteRecursively(workDir.resolve("outbox"));
    progress.step("starting PostgreSQL 15 (the app database, and one for the ops services)");
    postgres = EmbeddedPostgresServer.start();
    AppDatabase.seed(postgres, 50, 200);
    opsPostgres = EmbeddedPostgresServer.start();
    for (String database : AppDatabase.SERVICE_DATABASES) {
      opsPostgres.createDatabase(database);
    }
    pager = RecordingHttpServer.start();
    progress.step("starting Redis");
    redis = EmbeddedRedisServer.start();
    progress.step("starting the local Kubernetes API");
    cluster = LocalCluster.start(0);
    app = seed(cluster);
    kubeconfig = cluster.writeKubeconfig(workDir.resolve("kubeconfig"), LocalCluster.NAMESPACE);
    for (Map.Entry<String, Integer> service : SERVICES.entrySet()) {
      String name = service.getKey();
      Path jar = repo.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
      if (!Files.exists(jar)) {
        throw new IllegalStateException(jar + " is missing: run ./mvnw -B package -DskipTests");
      }
      ServiceProcess process =
          new ServiceProcess(
              name, service.getValue(), workDir.resolve("logs").resolve(name + ".log"));
      progress.step("starting " + name);
      process.start(jar, secrets(name), settings(name));
      services.put(name, process);
    }
    awaitReady(Duration.ofSeconds(240));
  }

  /**
   * What the cluster holds before the services start, besides the ops-state ConfigMap: the chart's
   * tokens Secret with this stack's tokens, and the app's Deployment at v2.0.5 with v2.0.3 and
   * v2.0.4 behind it, each a stable release.
   */
  static LocalDeploymentController seed(LocalCluster cluster) {
    cluster.createSecret(LocalCluster.TOKENS_SECRET, tokensSecretData());
    LocalDeploymentController app = new LocalDeploymentController(cluster.client());
    for (String release : new String[] {"v2.0.3", "v2.0.4", "v2.0.5"}) {
      String image = "registry.local/clinical-app:" + release;
      app.deploy(image, "42");
      app.markStable(image);
    }
    return app;
  }

  /** The keys of the chart's tokens Secret (k8s/README.md reads them with kubectl). */
  static Map<String, String> tokensSecretData() {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("app-tokens", APP_TOKEN);
    data.put("service-tokens", SERVICE_TOKEN);
    data.put("operator-tokens", OPERATOR_TOKEN);
    SERVICES.keySet().forEach(service -> data.put("token-" + service, tokenOf(service)));
    data.put("app-token-sha256", sha256Hex(APP_TOKEN));
    data.put("service-token-sha256", String.join(",", serviceTokenDigests()));
    data.put("operator-token-sha256", sha256Hex(OPERATOR_TOKEN));
    return data;
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> waiting = new ArrayList<>(services.keySet());
    while (!waiting.isEmpty()) {
      waiting.removeIf(name -> services.get(name).get("/q/health/ready", null).status() == 200);
      for (String name : waiting) {
        if (!services.get(name).isAlive()) {
          throw new IllegalStateException(
              name + " exited during start-up; see " + services.get(name).logFile());
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "not ready within " + timeout.toSeconds() + " s: " + waiting);
      }
      if (!waiting.isEmpty()) {
        progress.step("waiting for " + String.join(", ", waiting));
        Thread.sleep(250);
      }
    }
  }

  /**
   * Stops {@code name} and starts it again with {@code settings}; returns it once ready. Polls
   * every 20 ms: the start-up benchmark times this.
   */
  public ServiceProcess restart(String name, Map<String, String> settings) throws Exception {
    ServiceProcess old = services.get(name);
    old.close();
    ServiceProcess fresh = new ServiceProcess(name, old.port(), old.logFile());
    fresh.start(
        repo.resolve(name).resolve("target/quarkus-app/quarkus-run.jar"), secrets(name), settings);
    services.put(name, fresh);
    fresh.awaitOk("/q/health/ready", Duration.ofSeconds(120), Duration.ofMillis(20));
    return fresh;
  }

  /** A service's own token, as the chart makes it: {@code <service>.<random>}. */
  static String tokenOf(String service) {
    return service + ".drill-token-of-" + service;
  }

  /**
   * Secrets, as the chart gives them to {@code name}'s pod from the tokens Secret: its own token,
   * and everyone else's (the other services', the pipeline's, the app's, people's) only as SHA-256.
   */
  Map<String, String> secrets(String name) {
    Map<String, String> env = new HashMap<>();
    if (name.equals("auth-guard") || name.equals("audit-keeper")) {
      env.put("CLINICALOPS_SECURITY_APP_TOKEN_SHA256", sha256Hex(APP_TOKEN));
    }
    env.put("CLINICALOPS_SECURITY_SERVICE_TOKEN_SHA256", String.join(",", serviceTokenDigests()));
    env.put("CLINICALOPS_SECURITY_OPERATOR_TOKEN_SHA256", sha256Hex(OPERATOR_TOKEN));
    env.put("CLINICALOPS_SECURITY_OUTBOUND_TOKEN", tokenOf(name));
    return env;
  }

  /** The SHA-256 of the pipeline's token and of each service's own. */
  private static List<String> serviceTokenDigests() {
    List<String> digests = new ArrayList<>();
    digests.add(sha256Hex(SERVICE_TOKEN));
    for (String service : SERVICES.keySet()) {
      digests.add(sha256Hex(tokenOf(service)));
    }
    return digests;
  }

  private static String sha256Hex(String text) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }

  /**
   * What the Helm values would set for {@code name}, wired to the local components, with the
   * runbooks' minute-long durations shortened to seconds ({@link DrillSettings}).
   */
  public Map<String, String> settings(String name) {
    Map<String, String> settings = new HashMap<>();
    settings.put("quarkus.log.console.json.enabled", "true");
    // The Kubernetes client's own settings (Quarkus fixes its quarkus.kubernetes-client.* at
    // build).
    settings.put("kubernetes.master", cluster.url());
    settings.put("kubernetes.namespace", LocalCluster.NAMESPACE);
    settings.put("kubernetes.auth.tryKubeConfig", "false");
    settings.put("kubernetes.auth.tryServiceAccount", "false");
    settings.put("clinicalops.ops-state.namespace", LocalCluster.NAMESPACE);
    SERVICES.forEach(
        (peer, port) ->
            settings.put("quarkus.rest-client." + peer + ".url", "http://127.0.0.1:" + port));
    // The services keep their own state in an ops database, never in the app database they guard:
    // a P0 about the app database must still be recorded and paged while it is down.
    String ownDatabase = name.replace('-', '_');
    if (!name.equals("db-sentinel") && !name.equals("audit-keeper")) {
      datasource(settings, "quarkus.datasource.", opsPostgres, ownDatabase);
    }
    settings.putAll(DrillSettings.forService(name, this));
    return settings;
  }

  static void datasource(
      Map<String, String> settings, String prefix, EmbeddedPostgresServer server, String database) {
    settings.put(prefix + "jdbc.url", server.jdbcUrl(database));
    settings.put(prefix + "username", server.username());
    settings.put(prefix + "password", server.password());
    // Five JVMs start at once on a small machine: give the first connection time.
    settings.put(prefix + "jdbc.acquisition-timeout", "30s");
  }

  public Path workDir() {
    return workDir;
  }

  RecordingHttpServer pager() {
    return pager;
  }

  public Map<String, ServiceProcess> services() {
    return services;
  }

  LocalDeploymentController app() {
    return app;
  }

  LocalCluster cluster() {
    return cluster;
  }

  public EmbeddedPostgresServer postgres() {
    return postgres;
  }

  public EmbeddedRedisServer redis() {
    return redis;
  }

  public void printEndpoints() {
    System.out.println();
    System.out.printf("%-24s %s%n", "component", "listens at");
    System.out.printf("%-24s %s%n", "postgresql (app)", postgres.jdbcUrl(AppDatabase.APP));
    System.out.printf("%-24s %s%n", "postgresql (ops)", opsPostgres.jdbcUrl("postgres"));
    System.out.printf("%-24s %s%n", "pager (webhook sink)", pager.url());
    System.out.printf("%-24s %s%n", "redis", redis.uri());
    System.out.printf("%-24s %s%n", "kubernetes api", cluster.url());
    services.values().forEach(s -> System.out.printf("%-24s %s%n", s.name(), s.baseUrl()));
    System.out.printf(
        "%ntokens: app=%s service=%s operator=%s   logs: %s%n",
        APP_TOKEN, SERVICE_TOKEN, OPERATOR_TOKEN, workDir.resolve("logs"));
    System.out.printf(
        "kubectl (namespace %s): export KUBECONFIG=%s%n",
        LocalCluster.NAMESPACE, kubeconfig.toAbsolutePath());
  }

  @Override
  public void close() {
    List<ServiceProcess> reverse = new ArrayList<>(services.values());
    java.util.Collections.reverse(reverse);
    reverse.forEach(ServiceProcess::close);
    if (app != null) {
      app.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (redis != null) {
      redis.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (opsPostgres != null) {
      opsPostgres.close();
    }
    if (pager != null) {
      pager.close();
    }
  }
}
