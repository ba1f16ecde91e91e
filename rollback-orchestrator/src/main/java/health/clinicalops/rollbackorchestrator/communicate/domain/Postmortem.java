package health.clinicalops.rollbackorchestrator.communicate.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** What an operator writes after an incident: its root cause and follow-ups. */
@Entity
@Table(name = "postmortem")
public class Postmortem extends PanacheEntityBase {

  @Id
  @Column(name = "incident_id")
  public Long incidentId;

  @Column(name = "root_cause")
  public String rootCause;

  /** The follow-ups as a JSON array of strings. */
  @Column(name = "follow_ups")
  public String followUps;

  @Column(name = "updated_by")
  public String updatedBy;

  @Column(name = "updated_at")
  public Instant updatedAt;
}
