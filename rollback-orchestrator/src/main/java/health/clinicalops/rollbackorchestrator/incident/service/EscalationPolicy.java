package health.clinicalops.rollbackorchestrator.incident.service;

import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;

/** The runbook's escalation table, from settings: who is paged per severity, and when. */
@ApplicationScoped
public class EscalationPolicy {

  private final OrchestratorConfig.Escalation config;

  EscalationPolicy(OrchestratorConfig config) {
    this.config = config.escalation();
  }

  /** The contacts paged one after the other while nobody acknowledges. */
  public List<String> levels(Severity severity) {
    return switch (severity) {
      case P0 -> config.p0Levels();
      case P1 -> config.p1Levels();
      case P2 -> config.p2Levels();
      case P3 -> config.p3Levels();
    };
  }

  /** How long each level's page may stay unacknowledged. */
  public Duration ackDeadline(Severity severity) {
    return switch (severity) {
      case P0 -> config.p0AckDeadline();
      case P1 -> config.p1AckDeadline();
      case P2 -> config.p2AckDeadline();
      case P3 -> config.p3AckDeadline();
    };
  }

  public List<String> breachContacts() {
    return config.breachContacts();
  }

  public int maxRepages() {
    return config.maxRepages();
  }
}
