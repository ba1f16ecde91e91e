package health.clinicalops.rollbackorchestrator.communicate.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An email subscriber of the status page, one per mailbox; gets notices only once confirmed (double
 * opt-in).
 */
@Entity
@Table(name = "subscriber")
public class Subscriber extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  /** The address as the person typed it: where the emails go. */
  public String email;

  /** The mailbox the address reaches ({@link #mailboxOf}); unique. */
  public String mailbox;

  /** The secret of the confirmation and unsubscribe links. */
  public String token;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "confirmed_at")
  public Instant confirmedAt;

  /**
   * The mailbox an address reaches: lower-cased, without the {@code +alias} of its local part
   * ({@code Jane+status@Clinic.org} → {@code jane@clinic.org}). Migration V4 applies the same rule
   * to the rows written before it.
   */
  public static String mailboxOf(String email) {
    String lower = email.toLowerCase(Locale.ROOT);
    int at = lower.lastIndexOf('@');
    int plus = lower.indexOf('+');
    return plus > 0 && plus < at ? lower.substring(0, plus) + lower.substring(at) : lower;
  }

  public static Optional<Subscriber> findByMailbox(String mailbox) {
    return find("mailbox", mailbox).firstResultOptional();
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

  /** Subscriptions created after {@code since} that are still waiting for confirmation. */
  public static long countUnconfirmedSince(Instant since) {
    return count("confirmedAt is null and createdAt > ?1", since);
  }

  /** When the oldest subscription created after {@code since} and still unconfirmed was made. */
  public static Optional<Instant> oldestUnconfirmedSince(Instant since) {
    return Subscriber.<Subscriber>find(
            "confirmedAt is null and createdAt > ?1", Sort.by("createdAt"), since)
        .firstResultOptional()
        .map(s -> s.createdAt);
  }

  /** Deletes the subscriptions created before {@code before} and never confirmed (and emails). */
  public static long deleteUnconfirmedCreatedBefore(Instant before) {
    return delete("confirmedAt is null and createdAt <= ?1", before);
  }

  /**
   * Deletes the subscription of {@code mailbox} if created before {@code before} and unconfirmed.
   */
  public static long deleteUnconfirmedCreatedBefore(String mailbox, Instant before) {
    return delete("mailbox = ?1 and confirmedAt is null and createdAt <= ?2", mailbox, before);
  }
}
