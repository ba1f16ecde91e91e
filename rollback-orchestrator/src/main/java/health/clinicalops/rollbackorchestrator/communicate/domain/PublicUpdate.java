package health.clinicalops.rollbackorchestrator.communicate.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/** An update of an incident written for the public by an operator (never evidence). */
@Entity
@Table(name = "public_update")
public class PublicUpdate extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "incident_id")
  public Long incidentId;

  /** investigating, identified, monitoring or resolved. */
  public String status;

  public String body;

  @Column(name = "created_by")
  public String createdBy;

  @Column(name = "created_at")
  public Instant createdAt;

  public static PublicUpdate of(
      Long incidentId, String status, String body, String createdBy, Instant at) {
    PublicUpdate update = new PublicUpdate();
    update.incidentId = incidentId;
    update.status = status;
    update.body = body;
    update.createdBy = createdBy;
    update.createdAt = at;
    return update;
  }

  /** The updates of these incidents, oldest first. */
  public static List<PublicUpdate> ofIncidents(Collection<Long> incidentIds) {
    if (incidentIds.isEmpty()) {
      return List.of();
    }
    return list("incidentId in ?1 order by createdAt, id", incidentIds);
  }
}
