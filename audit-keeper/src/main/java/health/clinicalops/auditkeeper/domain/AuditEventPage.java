package health.clinicalops.auditkeeper.domain;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** One page of a review query, oldest first (by sequence number). */
@RegisterForReflection
public record AuditEventPage(int page, int size, boolean hasMore, List<StoredAuditEvent> items) {}
