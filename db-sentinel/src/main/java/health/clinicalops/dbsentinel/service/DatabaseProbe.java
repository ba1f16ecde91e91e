package health.clinicalops.dbsentinel.service;

import health.clinicalops.dbsentinel.config.DbSentinelConfig;
import health.clinicalops.dbsentinel.domain.ProbeResult;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * The outbound edge to the app's databases. The primary's probe sits behind the named circuit
 * breaker {@value #PRIMARY_CIRCUIT} (its state is the {@code circuit} of the status): after a few
 * failed probes no probe is sent until the breaker's delay has passed, then one trial probe
 * decides. The breaker's values can be changed with MicroProfile config, e.g. {@code
 * health.clinicalops.dbsentinel.service.DatabaseProbe/probePrimary/CircuitBreaker/delay}.
 */
@ApplicationScoped
public class DatabaseProbe {

  public static final String PRIMARY_CIRCUIT = "db-sentinel-primary-probe";

  private final ProbeConnection primary;
  private final Optional<ProbeConnection> backup;

  DatabaseProbe(DbSentinelConfig config, Clock clock) {
    DbSentinelConfig.PrimaryDatabase p = config.primary();
    this.primary =
        new ProbeConnection(
            "primary", settings(config, p.jdbcUrl(), p.username(), p.password()), clock);
    DbSentinelConfig.BackupDatabase b = config.backup();
    this.backup =
        b.jdbcUrl()
            .filter(url -> !url.isBlank())
            .map(
                url ->
                    new ProbeConnection(
                        "backup",
                        settings(
                            config,
                            url,
                            b.username().orElse(p.username()),
                            b.password().orElse(p.password())),
                        clock));
  }

  static ProbeConnection.Settings settings(
      DbSentinelConfig config, String url, String username, String password) {
    DbSentinelConfig.Probe probe = config.probe();
    return new ProbeConnection.Settings(
        url,
        username,
        password,
        probe.timeout(),
        probe.connectionMaxAge(),
        probe.longRunningQuery(),
        probe.idleInTransaction(),
        probe.topHolders(),
        config.saturation().reservedSlots());
  }

  /**
   * Probes the primary. A failed probe throws {@link ProbeFailedException} (carrying the result) so
   * the breaker counts it; an open breaker throws {@code CircuitBreakerOpenException}. The timeout
   * is a safety net behind the driver's own 1 s timeouts.
   */
  @Timeout(value = 5, unit = ChronoUnit.SECONDS)
  @CircuitBreaker(
      requestVolumeThreshold = 3,
      failureRatio = 1.0,
      delay = 10,
      delayUnit = ChronoUnit.SECONDS,
      successThreshold = 1)
  @CircuitBreakerName(PRIMARY_CIRCUIT)
  public ProbeResult probePrimary() {
    ProbeResult result = primary.probe();
    if (!result.reachable()) {
      throw new ProbeFailedException(result);
    }
    return result;
  }

  /** Probes the backup, when one is configured; never throws. */
  public Optional<ProbeResult> probeBackup() {
    return backup.map(ProbeConnection::probe);
  }

  public boolean hasBackup() {
    return backup.isPresent();
  }

  @PreDestroy
  void close() {
    primary.close();
    backup.ifPresent(ProbeConnection::close);
  }
}
