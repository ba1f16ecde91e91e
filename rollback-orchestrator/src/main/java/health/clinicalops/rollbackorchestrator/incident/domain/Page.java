package health.clinicalops.rollbackorchestrator.incident.domain;

import health.clinicalops.rollbackorchestrator.common.OutboxRow;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/**
 * A page to a contact, written in the same transaction as the escalation step that decided it (an
 * outbox): a restart neither loses it nor decides it twice.
 */
@Entity
@Table(name = "page")
public class Page extends OutboxRow {

  @Column(name = "incident_id")
  public Long incidentId;

  @Column(name = "escalation_level")
  public int escalationLevel;

  public String contact;

  /** Why: {@code escalation-level-0}, {@code repage}, {@code data-breach}. */
  public String reason;

  @Enumerated(EnumType.STRING)
  public PageStatus status;

  public static List<Page> ofIncident(Long incidentId) {
    return list("incidentId = ?1 order by id", incidentId);
  }

  /** Pending pages that are due, locked so another replica skips them. */
  public static List<Page> lockDue(Instant now, int limit) {
    return lockDue(Page.class, "page", now, limit);
  }
}
