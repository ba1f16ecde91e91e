package health.clinicalops.rollbackorchestrator.communicate.domain;

import health.clinicalops.rollbackorchestrator.common.OutboxRow;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/** An email to one subscriber: an outbox row, sent with retries. */
@Entity
@Table(name = "notice")
public class Notice extends OutboxRow {

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

  /**
   * Pending notices of these kinds that are due, oldest first, locked so another replica skips
   * them.
   */
  public static List<Notice> lockDue(Collection<NoticeKind> kinds, Instant now, int limit) {
    return lockDue(Notice.class, "notice", kinds.stream().map(Enum::name).toList(), now, limit);
  }

  /** Whether a pending notice of these kinds is due. */
  public static boolean anyDue(Collection<NoticeKind> kinds, Instant now) {
    return find(
            "status = ?1 and kind in ?2 and nextAttemptAt <= ?3", NoticeStatus.PENDING, kinds, now)
        .firstResultOptional()
        .isPresent();
  }
}
