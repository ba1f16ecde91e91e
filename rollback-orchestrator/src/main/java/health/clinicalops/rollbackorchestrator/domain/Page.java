package health.clinicalops.rollbackorchestrator.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
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

/**
 * A page to a contact, written in the same transaction as the escalation step that decided it (an
 * outbox): a restart neither loses it nor decides it twice.
 */
@Entity
@Table(name = "page")
public class Page extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "incident_id")
  public Long incidentId;

  @Column(name = "escalation_level")
  public int escalationLevel;

  public String contact;

  /** Why: {@code escalation-level-0}, {@code repage}, {@code data-breach}. */
  public String reason;

  @Enumerated(EnumType.STRING)
  public PageStatus status;

  public int attempts;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "next_attempt_at")
  public Instant nextAttemptAt;

  @Column(name = "sent_at")
  public Instant sentAt;

  @Column(name = "last_error")
  public String lastError;

  public static List<Page> ofIncident(Long incidentId) {
    return list("incidentId = ?1 order by id", incidentId);
  }

  /** Pending pages whose attempt is due, locked against other replicas. */
  @SuppressWarnings("unchecked")
  public static List<Page> lockDue(Instant now, int limit) {
    return getEntityManager()
        .createNativeQuery(
            "SELECT * FROM rollback_orchestrator.page WHERE status = 'PENDING' AND next_attempt_at <= :now"
                + " ORDER BY next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED",
            Page.class)
        .setParameter("now", now)
        .setParameter("limit", limit)
        .getResultList();
  }
}
