package health.clinicalops.opskit.clients;

/** rollback-orchestrator's answer to an {@link IncidentReport}. */
public record IncidentRef(String id, String dedupKey, String status) {}
