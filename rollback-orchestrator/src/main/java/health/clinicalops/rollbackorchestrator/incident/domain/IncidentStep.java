package health.clinicalops.rollbackorchestrator.incident.domain;

import health.clinicalops.rollbackorchestrator.common.Actor;
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

/** One entry of an incident's timeline: what was done, by whom, when. */
@Entity
@Table(name = "incident_step")
public class IncidentStep extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "incident_id")
  public Long incidentId;

  public String action;

  public String detail;

  public String actor;

  @Enumerated(EnumType.STRING)
  public StepKind kind;

  public Instant at;

  /**
   * Who delivered the step, by the token it presented: the sender's {@code actor} may name a person
   * on whose behalf a service acted, this never comes from the request body.
   */
  @Column(name = "received_from")
  public String receivedFrom;

  /** A step delivered by {@code receivedFrom}; its kind is manual when that is a person. */
  public static IncidentStep of(
      Long incidentId, String action, String detail, String actor, Actor receivedFrom, Instant at) {
    IncidentStep step = new IncidentStep();
    step.incidentId = incidentId;
    step.action = action;
    step.detail = detail;
    step.actor = actor;
    step.kind = receivedFrom.stepKind();
    step.receivedFrom = receivedFrom.name();
    step.at = at;
    return step;
  }

  public static List<IncidentStep> timelineOf(Long incidentId) {
    return list("incidentId = ?1 order by at, id", incidentId);
  }
}
