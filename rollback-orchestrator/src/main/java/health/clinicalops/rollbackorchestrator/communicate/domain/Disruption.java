package health.clinicalops.rollbackorchestrator.communicate.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;

/**
 * A public outage or maintenance from its start to its end, with the notices it caused: at most one
 * "started" and one "ended" email per subscriber, whatever happens in between.
 */
@Entity
@Table(name = "disruption")
public class Disruption extends PanacheEntityBase {

  /** Outage: a component in partial or major outage. */
  public static final String OUTAGE = "OUTAGE";

  /** Maintenance: the ops-state mode is {@code maintenance}. */
  public static final String MAINTENANCE = "MAINTENANCE";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  /** {@link #OUTAGE} or {@link #MAINTENANCE} (what it was when it started). */
  public String kind;

  @Column(name = "started_at")
  public Instant startedAt;

  @Column(name = "ended_at")
  public Instant endedAt;

  @Column(name = "started_notice_at")
  public Instant startedNoticeAt;

  @Column(name = "ended_notice_at")
  public Instant endedNoticeAt;

  public static Optional<Disruption> findOpen() {
    return find("endedAt is null").firstResultOptional();
  }
}
