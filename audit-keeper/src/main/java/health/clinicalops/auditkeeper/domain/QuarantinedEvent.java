package health.clinicalops.auditkeeper.domain;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * A spooled record that the database refuses for good (or that does not read as an event), set
 * aside so that the records behind it are stored: the event when it could be read, else its raw
 * bytes (Base64), and the reason.
 */
@RegisterForReflection
public record QuarantinedEvent(
    Instant quarantinedAt, String reason, SpooledEvent event, String rawBase64) {}
