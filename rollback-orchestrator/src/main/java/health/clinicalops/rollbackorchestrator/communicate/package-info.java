/**
 * Communicate: the public status page, its JSON and Atom feed, subscriber emails, post-incident
 * reports.
 */
package health.clinicalops.rollbackorchestrator.communicate;
