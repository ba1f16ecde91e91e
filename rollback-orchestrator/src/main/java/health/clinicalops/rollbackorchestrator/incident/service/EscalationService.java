package health.clinicalops.rollbackorchestrator.incident.service;

import health.clinicalops.opskit.clients.AuditTrail;
import health.clinicalops.rollbackorchestrator.common.Actor;
import health.clinicalops.rollbackorchestrator.incident.domain.Incident;
import health.clinicalops.rollbackorchestrator.incident.domain.IncidentStep;
import health.clinicalops.rollbackorchestrator.incident.domain.Page;
import health.clinicalops.rollbackorchestrator.incident.domain.PageStatus;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Escalation by severity. The timer is the incident's {@code escalation_due_at} column, polled
 * under {@code FOR UPDATE SKIP LOCKED}; the page it decides is written in the same transaction, so
 * a restart neither loses a due escalation nor repeats one, and two replicas never page twice.
 */
@ApplicationScoped
public class EscalationService {

  private static final Logger LOG = Logger.getLogger(EscalationService.class);

  private final EscalationPolicy policy;
  private final AuditTrail audit;
  private final Clock clock;

  EscalationService(EscalationPolicy policy, AuditTrail audit, Clock clock) {
    this.policy = policy;
    this.audit = audit;
    this.clock = clock;
  }

  /** Pages the first level of the incident's severity now and sets the timer of the next. */
  void start(Incident incident, Instant now) {
    List<String> levels = policy.levels(incident.severity);
    incident.escalationLevel = 0;
    incident.escalationRepages = 0;
    if (levels.isEmpty()) {
      incident.escalationDueAt = null;
      return;
    }
    page(incident, 0, levels.get(0), "escalation-level-0", now);
    incident.escalationDueAt = nextDue(incident, levels, now);
  }

  /** "Data breach suspected → follow data breach protocol": the breach contacts, at once. */
  void pageBreachContacts(Incident incident, Instant now) {
    for (String contact : policy.breachContacts()) {
      page(incident, incident.escalationLevel, contact, "data-breach-suspected", now);
    }
  }

  /** Runs every poll interval: escalates every open incident whose deadline has passed. */
  @Scheduled(
      every = "${clinicalops.rollback-orchestrator.escalation.poll-interval:1s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      identity = "escalation-timer")
  void onTimer() {
    try {
      escalateDue();
    } catch (RuntimeException e) {
      LOG.warnf("escalation poll failed, retried at the next tick: %s", e.getMessage());
    }
  }

  /** Escalates the due incidents; returns how many were escalated. */
  @Transactional
  public int escalateDue() {
    Instant now = Instant.now(clock);
    List<Incident> due = Incident.lockDueForEscalation(now, 50);
    for (Incident incident : due) {
      escalate(incident, now);
    }
    return due.size();
  }

  private void escalate(Incident incident, Instant now) {
    List<String> levels = policy.levels(incident.severity);
    if (levels.isEmpty()) {
      incident.escalationDueAt = null;
      return;
    }
    int next = incident.escalationLevel + 1;
    String reason;
    if (next < levels.size()) {
      incident.escalationLevel = next;
      reason = "escalation-level-" + next;
    } else {
      incident.escalationLevel = levels.size() - 1;
      incident.escalationRepages++;
      reason = "repage-" + incident.escalationRepages;
    }
    String contact = levels.get(incident.escalationLevel);
    IncidentStep.of(
            incident.id,
            "escalated",
            "unacknowledged after "
                + policy.ackDeadline(incident.severity)
                + ": paging "
                + contact
                + " ("
                + reason
                + ")",
            Actor.SELF.name(),
            Actor.SELF,
            now)
        .persist();
    page(incident, incident.escalationLevel, contact, reason, now);
    incident.escalationDueAt = nextDue(incident, levels, now);
    incident.updatedAt = now;
  }

  private Instant nextDue(Incident incident, List<String> levels, Instant now) {
    boolean moreLevels = incident.escalationLevel + 1 < levels.size();
    boolean repagesLeft = incident.escalationRepages < policy.maxRepages();
    return moreLevels || repagesLeft ? now.plus(policy.ackDeadline(incident.severity)) : null;
  }

  private void page(Incident incident, int level, String contact, String reason, Instant now) {
    Page page = new Page();
    page.incidentId = incident.id;
    page.escalationLevel = level;
    page.contact = contact;
    page.reason = reason;
    page.status = PageStatus.PENDING;
    page.createdAt = now;
    page.nextAttemptAt = now;
    page.persist();
    IncidentStep.of(
            incident.id, "paged", contact + " (" + reason + ")", Actor.SELF.name(), Actor.SELF, now)
        .persist();
    audit.record(
        Actor.SELF.name(),
        "incident.paged",
        Map.of(
            "incidentId",
            incident.id,
            "severity",
            incident.severity.name(),
            "contact",
            contact,
            "reason",
            reason));
  }
}
