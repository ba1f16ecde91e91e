package health.clinicalops.authguard.repository;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * The clinical app's own {@code "User"} table (datasource {@code app}): the one statement of the
 * runbook's step 5 that auth-guard runs there.
 */
@ApplicationScoped
public class AppAccountRepository {

  static final String REVOKE_SESSIONS =
      "UPDATE \"User\" SET \"refreshToken\" = NULL WHERE email = ?";

  private final AgroalDataSource app;

  AppAccountRepository(@DataSource("app") AgroalDataSource app) {
    this.app = app;
  }

  /**
   * The runbook's {@code UPDATE "User" SET "refreshToken" = NULL WHERE email = ?}: signs the
   * account out everywhere. Returns how many accounts matched (0 or 1).
   */
  @Timeout(value = 3, unit = ChronoUnit.SECONDS)
  @Retry(maxRetries = 2, delay = 200, jitter = 100)
  @CircuitBreaker(requestVolumeThreshold = 6, failureRatio = 0.8, delay = 5000)
  @CircuitBreakerName("app-database")
  public int revokeSessions(String email) {
    try (Connection c = app.getConnection();
        PreparedStatement ps = c.prepareStatement(REVOKE_SESSIONS)) {
      ps.setString(1, email);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot revoke sessions: " + e.getMessage(), e);
    }
  }
}
