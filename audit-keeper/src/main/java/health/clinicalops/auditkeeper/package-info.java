/** audit-keeper: runbook "Audit Log Failure". */
package health.clinicalops.auditkeeper;
