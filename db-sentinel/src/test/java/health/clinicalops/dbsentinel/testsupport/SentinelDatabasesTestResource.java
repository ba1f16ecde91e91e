package health.clinicalops.dbsentinel.testsupport;

import health.clinicalops.testing.EmbeddedPostgresServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Two real PostgreSQL 15 servers, the app's primary and its backup, each with the database {@code
 * clinicalops} and the login role db-sentinel uses in production ({@code db_sentinel}, member of
 * {@code pg_monitor} so it sees every session). Maps them to db-sentinel's own settings.
 */
public class SentinelDatabasesTestResource implements QuarkusTestResourceLifecycleManager {

  public static final String DATABASE = "clinicalops";
  public static final String ROLE = "db_sentinel";
  public static final String PASSWORD = "sentinel-secret";

  private static EmbeddedPostgresServer primary;
  private static EmbeddedPostgresServer backup;

  @Override
  public Map<String, String> start() {
    startOnce();
    return Map.of(
        "clinicalops.db-sentinel.primary.jdbc-url",
        primary.jdbcUrl(DATABASE),
        "clinicalops.db-sentinel.primary.username",
        ROLE,
        "clinicalops.db-sentinel.primary.password",
        PASSWORD,
        "clinicalops.db-sentinel.backup.jdbc-url",
        backup.jdbcUrl(DATABASE));
  }

  /**
   * The servers are started once per test JVM and shared by the test classes (each class gets its
   * own application start and Kubernetes test server, but initialising two clusters per class would
   * double the run time); every test starts from running servers and valid credentials.
   */
  private static synchronized void startOnce() {
    if (primary != null) {
      return;
    }
    primary = EmbeddedPostgresServer.start();
    backup = EmbeddedPostgresServer.start();
    for (EmbeddedPostgresServer server : new EmbeddedPostgresServer[] {primary, backup}) {
      server.createDatabase(DATABASE);
      server.execute(
          "postgres",
          "CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "' IN ROLE pg_monitor");
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  primary.close();
                  backup.close();
                },
                "sentinel-test-databases-stop"));
  }

  @Override
  public void inject(TestInjector testInjector) {
    testInjector.injectIntoFields(
        primary,
        new TestInjector.AnnotatedAndMatchesType(
            InjectPrimaryDatabase.class, EmbeddedPostgresServer.class));
    testInjector.injectIntoFields(
        backup,
        new TestInjector.AnnotatedAndMatchesType(
            InjectBackupDatabase.class, EmbeddedPostgresServer.class));
  }

  @Override
  public void stop() {
    // Shared by the test classes: stopped by the JVM's shutdown hook.
  }
}
