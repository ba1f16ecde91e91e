package health.clinicalops.dbsentinel.domain;

import health.clinicalops.opskit.opsstate.DatabaseTarget;
import java.time.Instant;

/**
 * The answer of {@code GET /api/v1/database/status}; other services (error-watch) rely on exactly
 * this shape. {@code state}/{@code cause} describe the primary; {@code target} is where the app
 * points now; {@code since} is when the current state began.
 */
public record DatabaseStatus(
    DatabaseState state,
    Cause cause,
    CircuitState circuit,
    Long latencyMs,
    ConnectionStats connections,
    DatabaseTarget target,
    Instant since) {}
