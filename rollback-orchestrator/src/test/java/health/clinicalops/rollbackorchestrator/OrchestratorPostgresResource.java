package health.clinicalops.rollbackorchestrator;

import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.InjectPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One real PostgreSQL 15 with two databases: {@code orchestrator} (this service's own schema) and
 * {@code clinicalapp}, the "app database" the database rollback backs up, restores and counts. With
 * the init argument {@code shared=true} the app's tables live in the {@code orchestrator} database
 * next to the ops schemas, as when an installation shares one database on purpose.
 */
public class OrchestratorPostgresResource implements QuarkusTestResourceLifecycleManager {

  public static final String APP_DATABASE = "clinicalapp";

  /** The database of this service's own schema (and of the app's tables when shared). */
  public static final String OPS_DATABASE = "orchestrator";

  private EmbeddedPostgresServer server;
  private boolean shared;

  @Override
  public void init(Map<String, String> initArgs) {
    shared = Boolean.parseBoolean(initArgs.getOrDefault("shared", "false"));
  }

  @Override
  public Map<String, String> start() {
    server = EmbeddedPostgresServer.start();
    server.createDatabase(OPS_DATABASE);
    server.createDatabase(APP_DATABASE);
    Path backups;
    try {
      backups = Files.createTempDirectory("rollback-backups-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> config = new HashMap<>();
    config.put("quarkus.datasource.jdbc.url", server.jdbcUrl(OPS_DATABASE));
    config.put("quarkus.datasource.username", server.username());
    config.put("quarkus.datasource.password", server.password());
    String prefix = "clinicalops.rollback-orchestrator.database-rollback.";
    config.put(prefix + "jdbc-url", server.jdbcUrl(shared ? OPS_DATABASE : APP_DATABASE));
    config.put(prefix + "username", server.username());
    config.put(prefix + "password", server.password());
    config.put(prefix + "bin-directory", clientBinaries().toString());
    config.put(prefix + "backup-directory", backups.toString());
    return config;
  }

  /**
   * Where pg_dump and pg_restore are: the embedded server's binaries when they include them (the
   * zonky bundle ships only initdb, pg_ctl and postgres), else Debian's postgresql-client 15.
   */
  static Path clientBinaries() {
    for (Path dir :
        new Path[] {EmbeddedPostgresServer.binDirectory(), Path.of("/usr/lib/postgresql/15/bin")}) {
      if (Files.isExecutable(dir.resolve("pg_dump"))
          && Files.isExecutable(dir.resolve("pg_restore"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "no pg_dump/pg_restore 15: install Debian's postgresql-client-15");
  }

  @Override
  public void inject(TestInjector testInjector) {
    testInjector.injectIntoFields(
        server,
        new TestInjector.AnnotatedAndMatchesType(
            InjectPostgres.class, EmbeddedPostgresServer.class));
  }

  @Override
  public void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
