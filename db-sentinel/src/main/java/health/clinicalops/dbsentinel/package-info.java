/** db-sentinel: runbook "Database Connectivity Loss". */
package health.clinicalops.dbsentinel;
