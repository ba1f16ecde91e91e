package health.clinicalops.errorwatch.domain;

import health.clinicalops.opskit.evidence.ErrorSpikeEvidence;

/**
 * The decision made once per alert, with its evidence.
 *
 * @param cause what the spike is attributed to
 * @param summary one line for people
 * @param rollbackRequested rollback-orchestrator was asked for a rollback
 * @param evidence what the decision rests on
 */
public record SpikeDecision(
    Cause cause, String summary, boolean rollbackRequested, ErrorSpikeEvidence evidence) {}
