package health.clinicalops.rollbackorchestrator.communicate.service;

import java.time.Instant;

/** One public update of an incident (stored, or the neutral opening/closing one). */
public record PublicUpdateView(String id, String status, String body, Instant at) {

  /** "Investigating", "Resolved", ... */
  public String statusLabel() {
    return status.isEmpty()
        ? status
        : Character.toUpperCase(status.charAt(0)) + status.substring(1);
  }
}
