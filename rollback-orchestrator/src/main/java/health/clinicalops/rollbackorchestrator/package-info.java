/**
 * rollback-orchestrator: runbooks "Rollback Deployment" and "Emergency Escalation". Code by
 * capability: {@code incident}, {@code rollback}, {@code maintenance}, {@code communicate}, each
 * with {@code rest}, {@code service} and {@code domain}; shared plumbing in {@code common}, {@code
 * config} and {@code health}.
 */
package health.clinicalops.rollbackorchestrator;
