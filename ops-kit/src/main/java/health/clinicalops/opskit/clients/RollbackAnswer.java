package health.clinicalops.opskit.clients;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The part of rollback-orchestrator's answer to {@code POST /api/v1/rollbacks} a sender keeps
 * (error-watch puts it in its spike's evidence).
 *
 * @param id the rollback's id (a number there; kept as its text)
 * @param status e.g. {@code AWAITING_APPROVAL} (recommend mode) or {@code RUNNING}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RollbackAnswer(String id, String status) {}
