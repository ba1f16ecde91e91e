package health.clinicalops.drill;

import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.EmbeddedRedisServer;
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
final class LocalStack implements AutoCloseable {

  static final String SERVICE_TOKEN = "drill-service-token";
  static final String OPERATOR_TOKEN = "drill-operator-token";

  /** Service name → local port, the same as each service's %dev port. */
  static final Map<String, Integer> SERVICES = new LinkedHashMap<>();

  static {
    SERVICES.put("auth-guard", 8081);
    SERVICES.put("db-sentinel", 8082);
    SERVICES.put("audit-keeper", 8083);
    SERVICES.put("error-watch", 8084);
    SERVICES.put("rollback-orchestrator", 8085);
  }

  private final Path repo;
  private final Path workDir;
  private final Progress progress;
  private EmbeddedPostgresServer postgres;
  private EmbeddedRedisServer redis;
  private LocalCluster cluster;
  private final Map<String, ServiceProcess> services = new LinkedHashMap<>();

  LocalStack(Path repo, Progress progress) {
    this.repo = repo;
    this.workDir = repo.resolve(".clinops");
    this.progress = progress;
  }

  void start() throws Exception {
    Files.createDirectories(workDir);
    progress.step("starting PostgreSQL 15");
    postgres = EmbeddedPostgresServer.start();
    AppDatabase.seed(postgres, 50, 200);
    progress.step("starting Redis");
    redis = EmbeddedRedisServer.start();
    progress.step("starting the local Kubernetes API");
    cluster = LocalCluster.start(0);
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
      process.start(jar, environment(name));
      services.put(name, process);
    }
    awaitReady(Duration.ofSeconds(90));
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

  /** The settings each service gets: all of them as environment variables, as in a pod. */
  private Map<String, String> environment(String name) {
    Map<String, String> env = new HashMap<>();
    env.put("QUARKUS_PROFILE", "prod");
    env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
    env.put("CLINICALOPS_SECURITY_SERVICE_TOKENS", SERVICE_TOKEN);
    env.put("CLINICALOPS_SECURITY_OPERATOR_TOKENS", OPERATOR_TOKEN);
    env.put("CLINICALOPS_SECURITY_OUTBOUND_TOKEN", SERVICE_TOKEN);
    env.put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", cluster.url());
    env.put("QUARKUS_KUBERNETES_CLIENT_NAMESPACE", LocalCluster.NAMESPACE);
    env.put("QUARKUS_KUBERNETES_CLIENT_TRUST_CERTS", "true");
    env.put("CLINICALOPS_OPS_STATE_NAMESPACE", LocalCluster.NAMESPACE);
    SERVICES.forEach(
        (peer, port) ->
            env.put(
                "QUARKUS_REST_CLIENT_" + peer.toUpperCase().replace('-', '_') + "_URL",
                "http://127.0.0.1:" + port));
    String ownDatabase =
        switch (name) {
          case "auth-guard", "error-watch", "rollback-orchestrator" -> name.replace('-', '_');
          default -> AppDatabase.APP;
        };
    env.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl(ownDatabase));
    env.put("QUARKUS_DATASOURCE_USERNAME", postgres.username());
    env.put("QUARKUS_DATASOURCE_PASSWORD", postgres.password());
    env.put("QUARKUS_DATASOURCE_APP_JDBC_URL", postgres.jdbcUrl(AppDatabase.APP));
    env.put("QUARKUS_DATASOURCE_APP_USERNAME", postgres.username());
    env.put("QUARKUS_DATASOURCE_APP_PASSWORD", postgres.password());
    env.put("CLINICALOPS_DB_SENTINEL_PRIMARY_JDBC_URL", postgres.jdbcUrl(AppDatabase.APP));
    env.put("CLINICALOPS_DB_SENTINEL_PRIMARY_USERNAME", postgres.username());
    env.put("CLINICALOPS_DB_SENTINEL_PRIMARY_PASSWORD", postgres.password());
    env.put("QUARKUS_REDIS_HOSTS", redis.uri());
    env.put("CLINICALOPS_AUDIT_KEEPER_SPOOL_DIRECTORY", workDir.resolve("audit-spool").toString());
    env.put(
        "CLINICALOPS_AUDIT_KEEPER_ARCHIVE_DIRECTORY", workDir.resolve("audit-archive").toString());
    return env;
  }

  Map<String, ServiceProcess> services() {
    return services;
  }

  LocalCluster cluster() {
    return cluster;
  }

  EmbeddedPostgresServer postgres() {
    return postgres;
  }

  EmbeddedRedisServer redis() {
    return redis;
  }

  void printEndpoints() {
    System.out.println();
    System.out.printf("%-24s %s%n", "component", "listens at");
    System.out.printf("%-24s %s%n", "postgresql", postgres.jdbcUrl(AppDatabase.APP));
    System.out.printf("%-24s %s%n", "redis", redis.uri());
    System.out.printf("%-24s %s%n", "kubernetes api", cluster.url());
    services.values().forEach(s -> System.out.printf("%-24s %s%n", s.name(), s.baseUrl()));
    System.out.printf(
        "%ntokens: service=%s operator=%s   logs: %s%n",
        SERVICE_TOKEN, OPERATOR_TOKEN, workDir.resolve("logs"));
  }

  @Override
  public void close() {
    List<ServiceProcess> reverse = new ArrayList<>(services.values());
    java.util.Collections.reverse(reverse);
    reverse.forEach(ServiceProcess::close);
    if (cluster != null) {
      cluster.close();
    }
    if (redis != null) {
      redis.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }
}
