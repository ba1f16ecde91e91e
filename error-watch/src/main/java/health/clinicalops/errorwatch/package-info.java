/** error-watch: runbook "Error Rate Spike". */
package health.clinicalops.errorwatch;
