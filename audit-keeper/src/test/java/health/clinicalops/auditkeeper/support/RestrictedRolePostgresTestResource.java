package health.clinicalops.auditkeeper.support;

import health.clinicalops.testing.PostgresTestResource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The embedded PostgreSQL of {@link PostgresTestResource}, but audit-keeper connects as {@value
 * #ROLE}, an ordinary login role (not a superuser, no CREATEROLE) as in production, so that a
 * REVOKE on "AuditLog" really takes its write permission away. The superuser prepares what the
 * migration would otherwise need CREATEROLE for: the three audit roles and the membership in them,
 * and CREATE on schema public for the owning role. This one login also runs the migrations, so it
 * is a member of audit_keeper_owner.
 */
public class RestrictedRolePostgresTestResource extends PostgresTestResource {

  /** The role audit-keeper writes as in tests that use this resource. */
  public static final String ROLE = "audit_app";

  private static final String PASSWORD = "audit-app-test-password";

  @Override
  public Map<String, String> start() {
    Map<String, String> config = new HashMap<>(super.start());
    String url = config.get("quarkus.datasource.jdbc.url");
    try (Connection c =
            DriverManager.getConnection(
                url,
                config.get("quarkus.datasource.username"),
                config.get("quarkus.datasource.password"));
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE ROLE " + ROLE + " LOGIN NOSUPERUSER NOCREATEROLE PASSWORD '" + PASSWORD + "'");
      s.execute("CREATE ROLE audit_keeper_writer NOLOGIN");
      s.execute("CREATE ROLE audit_keeper_retention NOLOGIN");
      s.execute("CREATE ROLE audit_keeper_owner NOLOGIN");
      s.execute("GRANT audit_keeper_writer, audit_keeper_retention, audit_keeper_owner TO " + ROLE);
      s.execute("GRANT CREATE ON DATABASE \"" + AuditApi.DATABASE + "\" TO " + ROLE);
      s.execute("GRANT CREATE ON SCHEMA public TO " + ROLE + ", audit_keeper_owner");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot prepare the role " + ROLE, e);
    }
    config.put("quarkus.datasource.username", ROLE);
    config.put("quarkus.datasource.password", PASSWORD);
    return config;
  }
}
