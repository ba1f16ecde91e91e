package health.clinicalops.drill;

import health.clinicalops.testing.EmbeddedPostgresServer;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * The clinical app's database as the drill seeds it: the app's own tables ({@code "User"}, {@code
 * "ClinicalNote"}; {@code "AuditLog"} is created by audit-keeper's migrations) with a little data.
 * The services that keep state of their own get one database each on a separate ops server.
 */
public final class AppDatabase {

  public static final String APP = "clinical_app";
  static final String[] SERVICE_DATABASES = {"auth_guard", "error_watch", "rollback_orchestrator"};

  private AppDatabase() {}

  static void seed(EmbeddedPostgresServer postgres, int users, int notes) {
    postgres.createDatabase(APP);
    postgres.execute(
        APP,
        """
        CREATE TABLE IF NOT EXISTS "User" (
          id text PRIMARY KEY,
          email text UNIQUE NOT NULL,
          role text NOT NULL DEFAULT 'clinician',
          "refreshToken" text,
          "createdAt" timestamptz NOT NULL DEFAULT now());
        CREATE TABLE IF NOT EXISTS "ClinicalNote" (
          id text PRIMARY KEY,
          "authorId" text NOT NULL REFERENCES "User"(id),
          body text NOT NULL,
          "createdAt" timestamptz NOT NULL DEFAULT now());
        """);
    postgres.execute(
        APP,
        "INSERT INTO \"User\" (id, email, role, \"refreshToken\") "
            + "SELECT 'u-' || i, 'user' || i || '@clinic.example', "
            + "CASE WHEN i % 10 = 0 THEN 'admin' ELSE 'clinician' END, md5(i::text) "
            + "FROM generate_series(1, "
            + users
            + ") AS i ON CONFLICT DO NOTHING");
    postgres.execute(
        APP,
        "INSERT INTO \"ClinicalNote\" (id, \"authorId\", body) "
            + "SELECT 'n-' || i, 'u-' || (1 + i % "
            + users
            + "), 'note ' || i FROM generate_series(1, "
            + notes
            + ") AS i ON CONFLICT DO NOTHING");
  }

  /** How many of the audit events {@code ids} are in {@code "AuditLog"}. */
  static long storedAuditEvents(EmbeddedPostgresServer postgres, Set<String> ids)
      throws SQLException {
    try (Connection c = postgres.connect(APP);
        PreparedStatement query =
            c.prepareStatement("SELECT count(*) FROM \"AuditLog\" WHERE id = ANY (?)")) {
      Array array = c.createArrayOf("text", ids.toArray());
      query.setArray(1, array);
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The row count of one of the app's tables. */
  static long count(EmbeddedPostgresServer postgres, String table) throws SQLException {
    try (Connection c = postgres.connect(APP);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
