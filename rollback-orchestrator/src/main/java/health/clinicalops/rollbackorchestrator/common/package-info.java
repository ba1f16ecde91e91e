/**
 * Plumbing the capabilities share: the actor of a request, metrics, the outbox row, retry backoff.
 */
package health.clinicalops.rollbackorchestrator.common;
