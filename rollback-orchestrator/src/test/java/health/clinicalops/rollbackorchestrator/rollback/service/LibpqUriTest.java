package health.clinicalops.rollbackorchestrator.rollback.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The app database's JDBC URL as the libpq URI pg_dump and pg_restore connect with. */
class LibpqUriTest {

  @Test
  void aPlainUrlKeepsHostPortAndDatabase() throws Exception {
    assertEquals(
        "postgresql://app@db.example:5432/clinical",
        PgTools.libpqUri("jdbc:postgresql://db.example:5432/clinical", Optional.of("app")));
  }

  @Test
  void tlsAndOtherLibpqParametersReachTheTools() throws Exception {
    assertEquals(
        "postgresql://app@db.example:5432/clinical?sslmode=require"
            + "&sslrootcert=%2Fetc%2Fssl%2Fca.pem&application_name=rollback",
        PgTools.libpqUri(
            "jdbc:postgresql://db.example:5432/clinical?sslmode=require"
                + "&sslrootcert=%2Fetc%2Fssl%2Fca.pem&application_name=rollback",
            Optional.of("app")));
  }

  @Test
  void jdbcNamesAreTranslatedAndJdbcOnlyParametersLeftOut() throws Exception {
    assertEquals(
        "postgresql://db-a:5432,db-b:5432/clinical?application_name=rollback-orchestrator"
            + "&connect_timeout=10&sslmode=verify-full&target_session_attrs=read-write",
        PgTools.libpqUri(
            "jdbc:postgresql://db-a:5432,db-b:5432/clinical?ApplicationName=rollback-orchestrator"
                + "&connectTimeout=10&socketTimeout=30&ssl=true&sslfactory=org.x.Factory"
                + "&targetServerType=primary&password=secret",
            Optional.empty()));
  }

  @Test
  void aUserNameIsEncodedAndAnExplicitSslModeWinsOverSsl() throws Exception {
    assertEquals(
        "postgresql://app%40tenant@db.example/clinical?sslmode=verify-ca",
        PgTools.libpqUri(
            "jdbc:postgresql://db.example/clinical?ssl=true&sslmode=verify-ca",
            Optional.of("app@tenant")));
  }

  @Test
  void anythingButAPostgresqlUrlIsRefused() {
    assertThrows(
        DatabaseStepFailed.class,
        () -> PgTools.libpqUri("jdbc:mysql://db/clinical", Optional.empty()));
  }
}
