package health.clinicalops.auditkeeper.support;

import static io.restassured.RestAssured.given;

import health.clinicalops.testing.EmbeddedPostgresServer;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Small helpers the tests share: tokens, event JSON, and reading "AuditLog" as the superuser. */
public final class AuditApi {

  public static final String SERVICE = "test-service-token";
  public static final String OPERATOR = "test-operator-token";
  public static final String DATABASE = "clinicalops";

  private AuditApi() {}

  public static RequestSpecification asService() {
    return given().auth().oauth2(SERVICE);
  }

  public static RequestSpecification asOperator() {
    return given().auth().oauth2(OPERATOR);
  }

  public static String event(String id, String userId, String action, String timestamp) {
    return "{\"id\":\""
        + id
        + "\",\"userId\":\""
        + userId
        + "\",\"action\":\""
        + action
        + "\",\"details\":{\"n\":\""
        + id
        + "\"},\"timestamp\":\""
        + timestamp
        + "\",\"ipAddress\":\"203.0.113.7\"}";
  }

  public static Response post(String json) {
    return asService().contentType("application/json").body(json).post("/api/v1/audit-events");
  }

  public static Response postNdjson(String ndjson) {
    return asService()
        .contentType("application/x-ndjson")
        .body(ndjson.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .post("/api/v1/audit-events");
  }

  /** The ids of "AuditLog" in sequence order. */
  public static List<String> idsInSequenceOrder(EmbeddedPostgresServer pg) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = pg.connect(DATABASE);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT \"id\" FROM \"AuditLog\" ORDER BY \"seq\"")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  public static long count(EmbeddedPostgresServer pg, String where) throws SQLException {
    try (Connection c = pg.connect(DATABASE);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM \"AuditLog\" WHERE " + where)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Waits until readiness shows an empty spool that is no longer spooling. */
  public static void awaitSpoolDrained(java.time.Duration atMost) {
    org.awaitility.Awaitility.await()
        .atMost(atMost)
        .untilAsserted(
            () ->
                given()
                    .get("/q/health/ready")
                    .then()
                    .body(
                        "checks.find { it.name == 'audit-spool' }.data.spooling",
                        org.hamcrest.Matchers.equalTo(false))
                    .body(
                        "checks.find { it.name == 'audit-spool' }.data.spoolDepth",
                        org.hamcrest.Matchers.equalTo(0)));
  }
}
