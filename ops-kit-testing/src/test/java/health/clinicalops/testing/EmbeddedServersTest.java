package health.clinicalops.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class EmbeddedServersTest {

  @Test
  void postgresKeepsDataAcrossStopAndRestartAndFreesItsFiles() throws Exception {
    Path dir;
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start()) {
      dir = pg.baseDirectory();
      pg.createDatabase("app");
      pg.execute("app", "CREATE TABLE t (v int); INSERT INTO t VALUES (42)");

      pg.stop();
      assertFalse(pg.isRunning());
      assertThrows(SQLException.class, () -> pg.connect("app").close());

      pg.restart();
      try (Connection c = pg.connect("app");
          ResultSet rs = c.createStatement().executeQuery("SELECT v FROM t")) {
        assertTrue(rs.next());
        assertEquals(42, rs.getInt(1));
      }
    }
    assertFalse(Files.exists(dir), "data directory removed on close");
  }

  @Test
  void postgresRefusesAWrongPassword() {
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start()) {
      SQLException e =
          assertThrows(
              SQLException.class,
              () -> DriverManager.getConnection(pg.jdbcUrl("postgres"), "postgres", "wrong"));
      assertEquals("28P01", e.getSQLState(), "invalid_password");
    }
  }

  @Test
  void redisAnswersAndComesBackAfterAStop() throws Exception {
    try (EmbeddedRedisServer redis = EmbeddedRedisServer.start()) {
      assertEquals("+PONG", ping(redis.port()));
      redis.stop();
      assertThrows(java.io.IOException.class, () -> ping(redis.port()));
      redis.restart();
      assertEquals("+PONG", ping(redis.port()));
    }
  }

  private static String ping(int port) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port);
        PrintWriter out =
            new PrintWriter(socket.getOutputStream(), true, StandardCharsets.US_ASCII);
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))) {
      out.print("PING\r\n");
      out.flush();
      return in.readLine();
    }
  }
}
