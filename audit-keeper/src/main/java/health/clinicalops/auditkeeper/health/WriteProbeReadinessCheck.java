package health.clinicalops.auditkeeper.health;

import health.clinicalops.auditkeeper.domain.ProbeResult;
import health.clinicalops.auditkeeper.service.WriteProbe;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The last write probe and storage quota, as data. Always UP: a failing write is handled by the
 * spool and reported as an incident, not by taking the pod out of service.
 */
@Readiness
@ApplicationScoped
public class WriteProbeReadinessCheck implements HealthCheck {

  private final WriteProbe probe;

  WriteProbeReadinessCheck(WriteProbe probe) {
    this.probe = probe;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder builder = HealthCheckResponse.named("audit-write-probe").up();
    Optional<ProbeResult> last = probe.last();
    if (last.isEmpty()) {
      return builder.withData("probed", false).build();
    }
    ProbeResult r = last.get();
    return builder
        .withData("probed", true)
        .withData("at", r.at().toString())
        .withData("writeOk", r.writeOk())
        .withData("writeError", r.writeError() == null ? "" : r.writeError())
        .withData("canInsert", r.canInsert())
        .withData("canSelect", r.canSelect())
        .withData("canAlterAppendOnlyRules", r.canAlterRules())
        .withData("databaseSizeBytes", r.databaseSizeBytes())
        .withData("quotaBytes", r.quotaBytes())
        .withData("quotaRatio", String.format("%.4f", r.quotaRatio()))
        .build();
  }
}
