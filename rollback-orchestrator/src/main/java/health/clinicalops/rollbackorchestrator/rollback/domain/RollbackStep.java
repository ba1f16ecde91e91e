package health.clinicalops.rollbackorchestrator.rollback.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/** One carried-out (or failed, or resumed) step of a rollback. */
@Entity
@Table(name = "rollback_step")
public class RollbackStep extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "rollback_id")
  public Long rollbackId;

  public String name;

  /** {@code done}, {@code failed}, {@code skipped}, {@code planned}, {@code resumed}, ... */
  public String outcome;

  public String detail;

  public Instant at;

  public static RollbackStep of(
      Long rollbackId, String name, String outcome, String detail, Instant at) {
    RollbackStep step = new RollbackStep();
    step.rollbackId = rollbackId;
    step.name = name;
    step.outcome = outcome;
    step.detail = detail;
    step.at = at;
    return step;
  }

  public static List<RollbackStep> ofRollback(Long rollbackId) {
    return list("rollbackId = ?1 order by id", rollbackId);
  }
}
