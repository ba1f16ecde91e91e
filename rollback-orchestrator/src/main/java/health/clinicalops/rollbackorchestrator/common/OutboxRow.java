package health.clinicalops.rollbackorchestrator.common;

import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Query;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The delivery bookkeeping shared by the outbox tables (pages and emails): each row is sent with
 * retries and backoff by one replica at a time.
 */
@MappedSuperclass
public abstract class OutboxRow extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  public int attempts;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "next_attempt_at")
  public Instant nextAttemptAt;

  @Column(name = "sent_at")
  public Instant sentAt;

  @Column(name = "last_error")
  public String lastError;

  /** Pending rows of {@code table} that are due, locked so that another replica skips them. */
  protected static <T extends OutboxRow> List<T> lockDue(
      Class<T> type, String table, Instant now, int limit) {
    return lockDue(type, table, List.of(), now, limit);
  }

  /**
   * Pending rows of {@code table} that are due, oldest first, locked so that another replica skips
   * them; when {@code kinds} is not empty, only rows whose {@code kind} column is one of them.
   */
  @SuppressWarnings("unchecked")
  protected static <T extends OutboxRow> List<T> lockDue(
      Class<T> type, String table, Collection<String> kinds, Instant now, int limit) {
    // Panache.getEntityManager: the static one of PanacheEntityBase works only in an @Entity.
    Query query =
        Panache.getEntityManager(type)
            .createNativeQuery(
                "SELECT * FROM rollback_orchestrator."
                    + table
                    + " WHERE status = 'PENDING' AND next_attempt_at <= :now"
                    + (kinds.isEmpty() ? "" : " AND kind IN (:kinds)")
                    + " ORDER BY next_attempt_at, id LIMIT :limit FOR UPDATE SKIP LOCKED",
                type)
            .setParameter("now", now)
            .setParameter("limit", limit);
    if (!kinds.isEmpty()) {
      query.setParameter("kinds", kinds);
    }
    return query.getResultList();
  }
}
