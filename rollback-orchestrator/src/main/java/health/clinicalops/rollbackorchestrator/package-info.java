/** rollback-orchestrator: runbooks "Rollback Deployment" and "Emergency Escalation". */
package health.clinicalops.rollbackorchestrator;
