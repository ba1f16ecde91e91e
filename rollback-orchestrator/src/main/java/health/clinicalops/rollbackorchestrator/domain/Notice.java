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

/** An email to one subscriber: an outbox row, sent with retries. */
@Entity
@Table(name = "notice")
public class Notice extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "subscriber_id")
  public Long subscriberId;

  @Column(name = "disruption_id")
  public Long disruptionId;

  @Enumerated(EnumType.STRING)
  public NoticeKind kind;

  public String subject;

  public String body;

  @Enumerated(EnumType.STRING)
  public NoticeStatus status;

  public int attempts;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "next_attempt_at")
  public Instant nextAttemptAt;

  @Column(name = "sent_at")
  public Instant sentAt;

  @Column(name = "last_error")
  public String lastError;

  /** Pending notices that are due, locked so another replica skips them. */
  @SuppressWarnings("unchecked")
  public static List<Notice> lockDue(Instant now, int limit) {
    return getEntityManager()
        .createNativeQuery(
            "SELECT * FROM rollback_orchestrator.notice WHERE status = 'PENDING' AND next_attempt_at <= :now"
                + " ORDER BY next_attempt_at, id LIMIT :limit FOR UPDATE SKIP LOCKED",
            Notice.class)
        .setParameter("now", now)
        .setParameter("limit", limit)
        .getResultList();
  }
}
