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

/** Ready only while the incident store answers: incidents are this service's job. */
@Readiness
@ApplicationScoped
public class IncidentStoreReadinessCheck implements HealthCheck {

  private final AgroalDataSource dataSource;

  IncidentStoreReadinessCheck(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public HealthCheckResponse call() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.setQueryTimeout(3);
      try (ResultSet rs =
          s.executeQuery(
              "SELECT count(*) FROM rollback_orchestrator.incident WHERE status = 'OPEN'")) {
        rs.next();
        return HealthCheckResponse.named("incident-store")
            .up()
            .withData("openIncidents", rs.getLong(1))
            .build();
      }
    } catch (SQLException e) {
      return HealthCheckResponse.named("incident-store")
          .down()
          .withData("error", String.valueOf(e.getMessage()))
          .build();
    }
  }
}
