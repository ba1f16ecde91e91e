package health.clinicalops.auditkeeper.support;

import health.clinicalops.testing.PostgresTestResource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The embedded PostgreSQL with two ordinary logins, as a careful installation has them: {@value
 * #MIGRATOR} runs the migrations ({@code quarkus.flyway.username}) and {@value #RUNTIME} is the one
 * audit-keeper writes and archives as. The superuser creates the three audit roles beforehand (no
 * login here has CREATEROLE), and grants what only the database's owner could: CREATE on schema
 * public. The migrator may hand out the writer and retention roles.
 */
public class SeparateMigrationLoginPostgresTestResource extends PostgresTestResource {

  public static final String MIGRATOR = "audit_migrator";
  public static final String RUNTIME = "audit_runtime";
  public static final String MIGRATOR_PASSWORD = "audit-migrator-test-password";
  public static final String RUNTIME_PASSWORD = "audit-runtime-test-password";

  @Override
  public Map<String, String> start() {
    Map<String, String> config = new HashMap<>(super.start());
    try (Connection c =
            DriverManager.getConnection(
                config.get("quarkus.datasource.jdbc.url"),
                config.get("quarkus.datasource.username"),
                config.get("quarkus.datasource.password"));
        Statement s = c.createStatement()) {
      s.execute(login(MIGRATOR, MIGRATOR_PASSWORD));
      s.execute(login(RUNTIME, RUNTIME_PASSWORD));
      s.execute("CREATE ROLE audit_keeper_writer NOLOGIN");
      s.execute("CREATE ROLE audit_keeper_retention NOLOGIN");
      s.execute("CREATE ROLE audit_keeper_owner NOLOGIN");
      s.execute("GRANT audit_keeper_owner TO " + MIGRATOR);
      s.execute(
          "GRANT audit_keeper_writer, audit_keeper_retention TO "
              + MIGRATOR
              + " WITH ADMIN OPTION");
      s.execute("GRANT CREATE ON DATABASE \"" + AuditApi.DATABASE + "\" TO " + MIGRATOR);
      s.execute("GRANT CREATE ON SCHEMA public TO " + MIGRATOR + ", audit_keeper_owner");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot prepare the logins", e);
    }
    config.put("quarkus.datasource.username", RUNTIME);
    config.put("quarkus.datasource.password", RUNTIME_PASSWORD);
    config.put("quarkus.flyway.username", MIGRATOR);
    config.put("quarkus.flyway.password", MIGRATOR_PASSWORD);
    return config;
  }

  private static String login(String name, String password) {
    return "CREATE ROLE " + name + " LOGIN NOSUPERUSER NOCREATEROLE PASSWORD '" + password + "'";
  }
}
