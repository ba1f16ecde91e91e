package health.clinicalops.rollbackorchestrator.health;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The subscriber emails: always UP (an SMTP outage is handled: emails wait and are retried), with
 * the queue in the data so an operator sees emails that do not go out.
 */
@Readiness
@ApplicationScoped
public class SubscriberEmailReadinessCheck implements HealthCheck {

  private static final String NAME = "subscriber-emails";

  private final AgroalDataSource dataSource;

  SubscriberEmailReadinessCheck(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public HealthCheckResponse call() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.setQueryTimeout(3);
      try (ResultSet rs =
          s.executeQuery(
              "SELECT count(*) FILTER (WHERE status = 'PENDING'),"
                  + " count(*) FILTER (WHERE status = 'PENDING' AND attempts > 0),"
                  + " count(*) FILTER (WHERE status = 'FAILED'),"
                  + " (SELECT count(*) FROM rollback_orchestrator.subscriber"
                  + " WHERE confirmed_at IS NOT NULL)"
                  + " FROM rollback_orchestrator.notice")) {
        rs.next();
        return HealthCheckResponse.named(NAME)
            .up()
            .withData("pendingEmails", rs.getLong(1))
            .withData("retryingEmails", rs.getLong(2))
            .withData("failedEmails", rs.getLong(3))
            .withData("confirmedSubscribers", rs.getLong(4))
            .build();
      }
    } catch (SQLException e) {
      // The incident store's own check reports the database; this one only informs.
      return HealthCheckResponse.named(NAME)
          .up()
          .withData("error", String.valueOf(e.getMessage()))
          .build();
    }
  }
}
