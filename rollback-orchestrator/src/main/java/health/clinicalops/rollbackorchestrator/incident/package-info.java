/** Incidents: their timeline and evidence, escalation by severity and the pages it sends. */
package health.clinicalops.rollbackorchestrator.incident;
