package health.clinicalops.rollbackorchestrator.service;

import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.rollbackorchestrator.domain.Notice;
import health.clinicalops.rollbackorchestrator.domain.NoticeKind;
import health.clinicalops.rollbackorchestrator.domain.NoticeStatus;
import health.clinicalops.rollbackorchestrator.domain.Subscriber;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Email subscriptions to the status page with double opt-in: subscribing sends a confirmation link;
 * only a confirmed address gets notices; every email carries an unsubscribe link. The answer to a
 * subscribe request never tells whether the address was known.
 */
@ApplicationScoped
public class SubscriptionService {

  /** A pragmatic address check (one @, a dot in the domain, no spaces), RFC 5321 length. */
  private static final Pattern EMAIL =
      Pattern.compile("^[^@\\s<>\"]{1,64}@[^@\\s<>\"]+\\.[^@\\s<>\"]{2,}$");

  /** At most one confirmation email per address in this time (no mail bombing through us). */
  static final Duration CONFIRMATION_RESEND_AFTER = Duration.ofMinutes(10);

  private final SecureRandom random = new SecureRandom();
  private final StatusPageService statusPage;
  private final Clock clock;
  private final MeterRegistry registry;

  SubscriptionService(StatusPageService statusPage, Clock clock, MeterRegistry registry) {
    this.statusPage = statusPage;
    this.clock = clock;
    this.registry = registry;
  }

  /** Records the address (unconfirmed) and queues its confirmation email. */
  @Transactional
  public void subscribe(String rawEmail) {
    String email = rawEmail == null ? "" : rawEmail.strip();
    if (email.length() > 254 || !EMAIL.matcher(email).matches()) {
      throw ProblemException.badRequest("not an email address");
    }
    Instant now = Instant.now(clock);
    Subscriber subscriber =
        Subscriber.findByEmail(email)
            .orElseGet(
                () -> {
                  Subscriber s = new Subscriber();
                  s.email = email.toLowerCase(Locale.ROOT);
                  s.token = newToken();
                  s.createdAt = now;
                  s.persist();
                  registry
                      .counter("clinicalops_rollback_orchestrator_subscriptions_total")
                      .increment();
                  return s;
                });
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

  /** Confirms the subscription of the token; false when the token is unknown. */
  @Transactional
  public boolean confirm(String token) {
    return find(token)
        .map(
            s -> {
              if (s.confirmedAt == null) {
                s.confirmedAt = Instant.now(clock);
                registry
                    .counter("clinicalops_rollback_orchestrator_subscriptions_confirmed_total")
                    .increment();
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

  private static java.util.Optional<Subscriber> find(String token) {
    if (token == null || token.isBlank() || token.length() > 100) {
      return java.util.Optional.empty();
    }
    return Subscriber.findByToken(token);
  }

  private String newToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
