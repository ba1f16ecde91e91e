package health.clinicalops.rollbackorchestrator.communicate.service;

import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.rollbackorchestrator.common.OrchestratorMetrics;
import health.clinicalops.rollbackorchestrator.communicate.domain.Notice;
import health.clinicalops.rollbackorchestrator.communicate.domain.NoticeKind;
import health.clinicalops.rollbackorchestrator.communicate.domain.NoticeStatus;
import health.clinicalops.rollbackorchestrator.communicate.domain.Subscriber;
import health.clinicalops.rollbackorchestrator.communicate.domain.SubscriptionRequest;
import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Email subscriptions to the status page with double opt-in: subscribing sends a confirmation link;
 * only a confirmed address gets notices; every email carries an unsubscribe link. The answer to a
 * subscribe request never tells whether the address was known. One subscriber per mailbox ({@code
 * jane+news@clinic.org} is {@code jane@clinic.org}); the form is limited per client and overall
 * ({@link SubscriptionLimits}); a subscription not confirmed within {@code confirm-within} is gone
 * (its link is refused, {@link UnconfirmedSubscriptionPurge} deletes it).
 */
@ApplicationScoped
public class SubscriptionService {

  /** A pragmatic address check (one @, a dot in the domain, no spaces), RFC 5321 length. */
  private static final Pattern EMAIL =
      Pattern.compile("^[^@\\s<>\"]{1,64}@[^@\\s<>\"]+\\.[^@\\s<>\"]{2,}$");

  /** At most one confirmation email per mailbox in this time (no mail bombing through us). */
  static final Duration CONFIRMATION_RESEND_AFTER = Duration.ofMinutes(10);

  private static final long SUBSCRIBE_LOCK_KEY = 0x5355_4253_4352L;

  private final SecureRandom random = new SecureRandom();
  private final StatusPageService statusPage;
  private final SubscriptionLimits limits;
  private final OrchestratorConfig.Subscriptions config;
  private final Clock clock;
  private final OrchestratorMetrics metrics;

  SubscriptionService(
      StatusPageService statusPage,
      SubscriptionLimits limits,
      OrchestratorConfig config,
      Clock clock,
      OrchestratorMetrics metrics) {
    this.statusPage = statusPage;
    this.limits = limits;
    this.config = config.statusPage().subscriptions();
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * Records the address (unconfirmed, one row per mailbox) and queues its confirmation email. Not
   * an address: 400; beyond a limit: 429. Either stores and sends nothing.
   *
   * @param remoteAddress the address of the client's connection, what the per-client limit counts
   */
  @Transactional
  public void subscribe(String rawEmail, String remoteAddress) {
    String email = rawEmail == null ? "" : rawEmail.strip();
    if (email.length() > 254 || !EMAIL.matcher(email).matches()) {
      throw ProblemException.badRequest("not an email address");
    }
    String mailbox = Subscriber.mailboxOf(email);
    String client = SubscriptionClient.of(remoteAddress, config.ipv6PrefixLength());
    Instant now = Instant.now(clock);
    // All replicas: two requests neither pass a limit together nor insert one mailbox twice.
    Subscriber.getEntityManager()
        .createNativeQuery("SELECT pg_advisory_xact_lock(:key)")
        .setParameter("key", SUBSCRIBE_LOCK_KEY)
        .getSingleResult();
    // An expired subscription of this mailbox that the purge has not reached yet: this starts anew.
    Subscriber.deleteUnconfirmedCreatedBefore(mailbox, expiry(now));
    Optional<Subscriber> known = Subscriber.findByMailbox(mailbox);
    limits.check(client, known.isEmpty(), now);
    SubscriptionRequest.record(client, now);
    Subscriber subscriber = known.orElseGet(() -> create(email, mailbox, now));
    if (subscriber.confirmedAt != null) {
      return;
    }
    long recent =
        Notice.count(
            "subscriberId = ?1 and kind = ?2 and createdAt > ?3",
            subscriber.id,
            NoticeKind.CONFIRMATION,
            now.minus(CONFIRMATION_RESEND_AFTER));
    if (recent > 0) {
      return;
    }
    String page = statusPage.pageUrl();
    queue(
        subscriber,
        null,
        NoticeKind.CONFIRMATION,
        "Confirm your subscription to status updates",
        "Someone (hopefully you) asked to receive status updates of "
            + page
            + " at this address.\n\n"
            + "Confirm the subscription: "
            + confirmLink(subscriber)
            + "\n\nIf it was not you, ignore this email: without confirmation you get nothing.\n",
        now);
  }

  private Subscriber create(String email, String mailbox, Instant now) {
    Subscriber s = new Subscriber();
    s.email = email;
    s.mailbox = mailbox;
    s.token = newToken();
    s.createdAt = now;
    s.persist();
    metrics.subscriptionCreated();
    return s;
  }

  /** Confirms the subscription of the token; false when the token is unknown. */
  @Transactional
  public boolean confirm(String token) {
    return find(token)
        .map(
            s -> {
              if (s.confirmedAt == null) {
                s.confirmedAt = Instant.now(clock);
                metrics.subscriptionConfirmed();
              }
              return true;
            })
        .orElse(false);
  }

  /** Removes the subscriber of the token (and its queued emails); false when unknown. */
  @Transactional
  public boolean unsubscribe(String token) {
    return find(token)
        .map(
            s -> {
              Notice.delete("subscriberId = ?1 and status = ?2", s.id, NoticeStatus.PENDING);
              s.delete();
              return true;
            })
        .orElse(false);
  }

  /** Whether the token belongs to a subscriber. */
  @Transactional
  public boolean known(String token) {
    return find(token).isPresent();
  }

  /** Confirmed and pending subscribers. */
  @Transactional
  public SubscriberCounts counts() {
    long confirmed = Subscriber.countConfirmed();
    return new SubscriberCounts(confirmed, Subscriber.count() - confirmed);
  }

  /** How many subscribers there are. */
  public record SubscriberCounts(long confirmed, long unconfirmed) {}

  /** Queues an email to a subscriber, with the unsubscribe link appended. */
  Notice queue(
      Subscriber subscriber,
      Long disruptionId,
      NoticeKind kind,
      String subject,
      String body,
      Instant now) {
    Notice notice = new Notice();
    notice.subscriberId = subscriber.id;
    notice.disruptionId = disruptionId;
    notice.kind = kind;
    notice.subject = subject;
    notice.body =
        body
            + "\n--\nCurrent status: "
            + statusPage.pageUrl()
            + "\nUnsubscribe: "
            + unsubscribeLink(subscriber)
            + "\n";
    notice.status = NoticeStatus.PENDING;
    notice.createdAt = now;
    notice.nextAttemptAt = now;
    notice.persist();
    return notice;
  }

  String confirmLink(Subscriber s) {
    return statusPage.pageUrl() + "/subscriptions/confirm?token=" + s.token;
  }

  String unsubscribeLink(Subscriber s) {
    return statusPage.pageUrl() + "/subscriptions/unsubscribe?token=" + s.token;
  }

  /**
   * The subscriber of a token; an unconfirmed one past {@code confirm-within} is as good as gone.
   */
  private Optional<Subscriber> find(String token) {
    if (token == null || token.isBlank() || token.length() > 100) {
      return Optional.empty();
    }
    Instant expiry = expiry(Instant.now(clock));
    return Subscriber.findByToken(token)
        .filter(s -> s.confirmedAt != null || s.createdAt.isAfter(expiry));
  }

  /** Unconfirmed subscriptions created at or before this instant have expired. */
  private Instant expiry(Instant now) {
    return now.minus(config.confirmWithin());
  }

  private String newToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
