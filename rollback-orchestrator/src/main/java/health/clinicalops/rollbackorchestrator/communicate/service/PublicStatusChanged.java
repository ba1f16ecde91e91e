package health.clinicalops.rollbackorchestrator.communicate.service;

/**
 * Something the public status shows changed (an incident opened, updated, escalated or resolved, a
 * public update): fired inside the writing transaction, observed after it commits.
 */
public record PublicStatusChanged(long incidentId) {}
