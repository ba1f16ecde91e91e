package health.clinicalops.rollbackorchestrator.incident.domain;

import health.clinicalops.opskit.clients.Severity;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** An incident: one per open dedup key, with its escalation timer. */
@Entity
@Table(name = "incident")
public class Incident extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "dedup_key")
  public String dedupKey;

  public String runbook;

  @Enumerated(EnumType.STRING)
  public Severity severity;

  public String title;

  public String source;

  @Enumerated(EnumType.STRING)
  public IncidentStatus status;

  /** The latest evidence, as JSON text. */
  public String evidence;

  /** What a public status page may show (issue 11); empty until someone writes it. */
  @Column(name = "public_message")
  public String publicMessage;

  /** A public heading an operator gave the incident; the status page's neutral one when empty. */
  @Column(name = "public_title")
  public String publicTitle;

  @Column(name = "breach_suspected")
  public boolean breachSuspected;

  @Column(name = "opened_at")
  public Instant openedAt;

  /**
   * Who opened the incident, by the token it presented; only they or a person may resolve it. Null
   * for incidents opened before this was recorded.
   */
  @Column(name = "opened_by")
  public String openedBy;

  @Column(name = "updated_at")
  public Instant updatedAt;

  @Column(name = "acknowledged_at")
  public Instant acknowledgedAt;

  @Column(name = "acknowledged_by")
  public String acknowledgedBy;

  @Column(name = "resolved_at")
  public Instant resolvedAt;

  @Column(name = "resolved_by")
  public String resolvedBy;

  /** Index into the severity's escalation levels of the last level paged. */
  @Column(name = "escalation_level")
  public int escalationLevel;

  /** How often the last level has been paged again. */
  @Column(name = "escalation_repages")
  public int escalationRepages;

  /** When the next escalation is due; null when none is (acknowledged, resolved, exhausted). */
  @Column(name = "escalation_due_at")
  public Instant escalationDueAt;

  public static Optional<Incident> findOpenByDedupKey(String dedupKey) {
    return find("dedupKey = ?1 and status <> ?2", dedupKey, IncidentStatus.RESOLVED)
        .firstResultOptional();
  }

  /** Incidents by filter, newest first. {@code open}: true open+acknowledged, false resolved. */
  public static List<Incident> search(
      Optional<Boolean> open, Optional<String> runbook, Optional<Severity> severity, int limit) {
    StringBuilder query = new StringBuilder("1 = 1");
    io.quarkus.panache.common.Parameters params = new io.quarkus.panache.common.Parameters();
    open.ifPresent(
        o -> {
          query.append(o ? " and status <> :resolved" : " and status = :resolved");
          params.and("resolved", IncidentStatus.RESOLVED);
        });
    runbook.ifPresent(
        r -> {
          query.append(" and runbook = :runbook");
          params.and("runbook", r);
        });
    severity.ifPresent(
        s -> {
          query.append(" and severity = :severity");
          params.and("severity", s);
        });
    return find(query.toString(), Sort.descending("openedAt", "id"), params).page(0, limit).list();
  }

  /** Open incidents and those resolved since {@code since}, newest first. */
  public static List<Incident> openOrResolvedSince(Instant since) {
    return list(
        "status <> ?1 or resolvedAt >= ?2 order by openedAt desc, id desc",
        IncidentStatus.RESOLVED,
        since);
  }

  /**
   * Incidents whose escalation is due, locked so that another replica polling at the same time
   * skips them: two replicas never page twice.
   */
  @SuppressWarnings("unchecked")
  public static List<Incident> lockDueForEscalation(Instant now, int limit) {
    return getEntityManager()
        .createNativeQuery(
            "SELECT * FROM rollback_orchestrator.incident WHERE escalation_due_at <= :now AND status = 'OPEN'"
                + " ORDER BY escalation_due_at LIMIT :limit FOR UPDATE SKIP LOCKED",
            Incident.class)
        .setParameter("now", now)
        .setParameter("limit", limit)
        .getResultList();
  }
}
