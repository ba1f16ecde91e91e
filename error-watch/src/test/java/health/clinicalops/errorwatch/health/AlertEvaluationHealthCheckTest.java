package health.clinicalops.errorwatch.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import health.clinicalops.testing.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The alert evaluation is error-watch's core loop: when it fails, readiness is DOWN and says why
 * and when it last worked. Provoked for real: the alert state table disappears (a migration gone
 * wrong, a restore of the wrong dump), so every evaluation fails to store its state.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(PostgresTestResource.class)
class AlertEvaluationHealthCheckTest {

  @Inject AgroalDataSource dataSource;

  @Test
  void readinessIsDownWhileTheEvaluationFailsAndUpAgainOnceItWorks() throws SQLException {
    awaitAlertCheck("UP");
    execute("ALTER TABLE error_watch.alert_state RENAME TO alert_state_gone");
    try {
      // The evaluation stores its state at the next bucket end (10 s), then fails every second.
      Map<String, Object> down = awaitAlertCheck("DOWN");
      assertThat((String) down.get("lastFailure")).contains("alert_state");
      assertThat(down).containsKeys("lastSuccessAt", "lastFailureAt");
      assertThat(((Number) down.get("consecutiveFailures")).intValue()).isPositive();
    } finally {
      execute("ALTER TABLE error_watch.alert_state_gone RENAME TO alert_state");
    }
    Map<String, Object> up = awaitAlertCheck("UP");
    assertThat(up).doesNotContainKey("lastFailure");
  }

  /** Waits until the check is {@code status}, and returns its data. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> awaitAlertCheck(String status) {
    AtomicReference<Map<String, Object>> data = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () -> {
              Map<String, Object> check =
                  given()
                      .get("/q/health/ready")
                      .jsonPath()
                      .getMap("checks.find { it.name == 'error-watch-alert' }");
              assertThat(check).containsEntry("status", status);
              data.set((Map<String, Object>) check.get("data"));
            });
    return data.get();
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
