/**
 * Rollbacks: code-only and with the database, their guardrails and approval, releases and backups.
 */
package health.clinicalops.rollbackorchestrator.rollback;
