package health.clinicalops.rollbackorchestrator.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import java.time.Instant;
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

  /** Pending notices that are due, locked so another replica skips them. */
  public static List<Notice> lockDue(Instant now, int limit) {
    return lockDue(Notice.class, "notice", now, limit);
  }
}
