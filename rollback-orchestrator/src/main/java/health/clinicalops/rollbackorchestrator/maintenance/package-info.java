/** Maintenance mode (the ops-state ConfigMap's {@code mode}) and the ops-state view. */
package health.clinicalops.rollbackorchestrator.maintenance;
