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
import java.util.Optional;

/**
 * A subscribe request that was accepted, kept for an hour: what the hourly limits count, per client
 * and overall, across replicas.
 */
@Entity
@Table(name = "subscription_request")
public class SubscriptionRequest extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  /** The client: an IPv4 address or an IPv6 network. */
  public String client;

  @Column(name = "requested_at")
  public Instant requestedAt;

  public static void record(String client, Instant at) {
    SubscriptionRequest request = new SubscriptionRequest();
    request.client = client;
    request.requestedAt = at;
    request.persist();
  }

  public static long countFrom(String client, Instant since) {
    return count("client = ?1 and requestedAt > ?2", client, since);
  }

  public static long countSince(Instant since) {
    return count("requestedAt > ?1", since);
  }

  public static Optional<Instant> oldestFrom(String client, Instant since) {
    return SubscriptionRequest.<SubscriptionRequest>find(
            "client = ?1 and requestedAt > ?2", Sort.by("requestedAt"), client, since)
        .firstResultOptional()
        .map(r -> r.requestedAt);
  }

  public static Optional<Instant> oldestSince(Instant since) {
    return SubscriptionRequest.<SubscriptionRequest>find(
            "requestedAt > ?1", Sort.by("requestedAt"), since)
        .firstResultOptional()
        .map(r -> r.requestedAt);
  }

  public static long deleteBefore(Instant before) {
    return delete("requestedAt <= ?1", before);
  }
}
