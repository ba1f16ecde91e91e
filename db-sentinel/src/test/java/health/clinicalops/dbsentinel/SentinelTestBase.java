package health.clinicalops.dbsentinel;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import health.clinicalops.dbsentinel.service.RunbookResponder;
import health.clinicalops.dbsentinel.testsupport.FakeAuditKeeperResource;
import health.clinicalops.dbsentinel.testsupport.FakeIncidentsResource;
import health.clinicalops.dbsentinel.testsupport.InjectBackupDatabase;
import health.clinicalops.dbsentinel.testsupport.InjectPrimaryDatabase;
import health.clinicalops.dbsentinel.testsupport.SentinelDatabasesTestResource;
import health.clinicalops.opskit.opsstate.DatabaseTarget;
import health.clinicalops.opskit.opsstate.Mode;
import health.clinicalops.opskit.opsstate.OpsState;
import health.clinicalops.opskit.opsstate.OpsStateWriter;
import health.clinicalops.testing.EmbeddedPostgresServer;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every db-sentinel test starts from: both databases running, the sentinel's credentials
 * valid, the database healthy, no open incident, mode normal and target primary.
 */
abstract class SentinelTestBase {

  static final String SERVICE_TOKEN = "Bearer test-service-token";
  static final String OPERATOR_TOKEN = "Bearer test-operator-token";

  @InjectPrimaryDatabase EmbeddedPostgresServer primary;
  @InjectBackupDatabase EmbeddedPostgresServer backup;
  @Inject OpsStateWriter writer;
  @Inject RunbookResponder responder;

  @BeforeEach
  void startFromAHealthyDatabase() {
    if (!primary.isRunning()) {
      primary.restart();
    }
    if (!backup.isRunning()) {
      backup.restart();
    }
    primary.execute(
        "postgres",
        "ALTER ROLE "
            + SentinelDatabasesTestResource.ROLE
            + " PASSWORD '"
            + SentinelDatabasesTestResource.PASSWORD
            + "'");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "healthy".equals(stateOnceProbed())
                    && responder.openIncidentKeys().isEmpty()
                    && mode() == Mode.NORMAL
                    && target() == DatabaseTarget.PRIMARY);
    FakeIncidentsResource.REPORTS.clear();
    FakeAuditKeeperResource.EVENTS.clear();
  }

  /** The probed state, or null while a just-started sentinel's first probe runs (503). */
  static String stateOnceProbed() {
    Response response =
        given().header("Authorization", SERVICE_TOKEN).get("/api/v1/database/status");
    if (response.statusCode() == 503) {
      return null;
    }
    return response.then().statusCode(200).extract().jsonPath().getString("state");
  }

  static JsonPath status() {
    return given()
        .header("Authorization", SERVICE_TOKEN)
        .get("/api/v1/database/status")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  OpsState opsState() {
    return writer.read();
  }

  Mode mode() {
    return opsState().effectiveMode(Instant.now());
  }

  DatabaseTarget target() {
    return opsState().databaseTarget();
  }
}
