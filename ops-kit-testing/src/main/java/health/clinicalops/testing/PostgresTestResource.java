package health.clinicalops.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts a real PostgreSQL for a {@code @QuarkusTest} and points a datasource at it. Init args:
 * {@code database} (default {@code clinicalops}) and {@code datasource} (a named datasource; the
 * default one when absent). Tests get the server with {@code @InjectPostgres} to stop or kill it.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

  private EmbeddedPostgresServer server;
  private String database = "clinicalops";
  private String datasource;

  @Override
  public void init(Map<String, String> initArgs) {
    database = initArgs.getOrDefault("database", database);
    datasource = initArgs.get("datasource");
  }

  @Override
  public Map<String, String> start() {
    server = EmbeddedPostgresServer.start();
    server.createDatabase(database);
    String prefix =
        datasource == null ? "quarkus.datasource." : "quarkus.datasource." + datasource + ".";
    Map<String, String> config = new HashMap<>();
    config.put(prefix + "jdbc.url", server.jdbcUrl(database));
    config.put(prefix + "username", server.username());
    config.put(prefix + "password", server.password());
    return config;
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
