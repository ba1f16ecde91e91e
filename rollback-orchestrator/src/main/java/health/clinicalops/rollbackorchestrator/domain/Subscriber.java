package health.clinicalops.rollbackorchestrator.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** An email subscriber of the status page; gets notices only once confirmed (double opt-in). */
@Entity
@Table(name = "subscriber")
public class Subscriber extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  public String email;

  /** The secret of the confirmation and unsubscribe links. */
  public String token;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "confirmed_at")
  public Instant confirmedAt;

  public static Optional<Subscriber> findByEmail(String email) {
    return find("lower(email) = lower(?1)", email).firstResultOptional();
  }

  public static Optional<Subscriber> findByToken(String token) {
    return find("token", token).firstResultOptional();
  }

  public static List<Subscriber> confirmed() {
    return list("confirmedAt is not null order by id");
  }

  public static long countConfirmed() {
    return count("confirmedAt is not null");
  }
}
