package health.clinicalops.rollbackorchestrator.communicate.service;

import health.clinicalops.rollbackorchestrator.common.OrchestratorMetrics;
import health.clinicalops.rollbackorchestrator.common.RetryBackoff;
import health.clinicalops.rollbackorchestrator.communicate.domain.Notice;
import health.clinicalops.rollbackorchestrator.communicate.domain.NoticeKind;
import health.clinicalops.rollbackorchestrator.communicate.domain.NoticeStatus;
import health.clinicalops.rollbackorchestrator.communicate.domain.Subscriber;
import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import io.quarkus.mailer.Mail;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Sends queued emails through SMTP (quarkus-mailer), one per transaction, the row locked while it
 * is sent ({@code FOR UPDATE SKIP LOCKED}). A notice is marked SENT only once the SMTP server has
 * accepted it; a failure (no server, refused, timeout) is logged and retried with exponential
 * backoff, and the notice is marked FAILED only after the last attempt. An unreachable SMTP server
 * never stops the service from starting or working.
 *
 * <p>Two lanes, each with its own timer, so that confirmation emails (anyone can ask for one) never
 * delay an outage notice: outage notices, and confirmation emails, which also stop whenever an
 * outage notice is due and leave the SMTP server to it.
 */
@ApplicationScoped
public class NoticeDelivery {

  private static final Logger LOG = Logger.getLogger(NoticeDelivery.class);

  /** "It has lasted more than 15 minutes" and "it is over": sent before anything else. */
  static final Set<NoticeKind> OUTAGE_NOTICES =
      EnumSet.of(NoticeKind.DISRUPTION_STARTED, NoticeKind.DISRUPTION_ENDED);

  static final Set<NoticeKind> CONFIRMATIONS = EnumSet.of(NoticeKind.CONFIRMATION);

  private final MailSender mailer;
  private final StatusPageService statusPage;
  private final OrchestratorConfig.Notices config;
  private final Clock clock;
  private final OrchestratorMetrics metrics;

  NoticeDelivery(
      MailSender mailer,
      StatusPageService statusPage,
      OrchestratorConfig config,
      Clock clock,
      OrchestratorMetrics metrics) {
    this.mailer = mailer;
    this.statusPage = statusPage;
    this.config = config.statusPage().notices();
    this.clock = clock;
    this.metrics = metrics;
  }

  @Scheduled(
      every = "${clinicalops.rollback-orchestrator.status-page.notices.poll-interval:5s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      identity = "outage-notice-delivery")
  void onOutageNoticeTimer() {
    try {
      deliverOutageNotices();
    } catch (RuntimeException e) {
      LOG.warnf("outage notice delivery failed, retried at the next tick: %s", e.getMessage());
    }
  }

  @Scheduled(
      every = "${clinicalops.rollback-orchestrator.status-page.notices.poll-interval:5s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      identity = "confirmation-delivery")
  void onConfirmationTimer() {
    try {
      deliverConfirmations();
    } catch (RuntimeException e) {
      LOG.warnf("confirmation email delivery failed, retried at the next tick: %s", e.getMessage());
    }
  }

  /** Sends every outage notice that is due; returns how many were attempted. */
  public int deliverOutageNotices() {
    int attempted = 0;
    while (Boolean.TRUE.equals(
        QuarkusTransaction.requiringNew().call(() -> deliverOne(OUTAGE_NOTICES)))) {
      attempted++;
    }
    return attempted;
  }

  /**
   * Sends the confirmation emails that are due, until none is or an outage notice is due; returns
   * how many were attempted.
   */
  public int deliverConfirmations() {
    int attempted = 0;
    while (Boolean.TRUE.equals(
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    !Notice.anyDue(OUTAGE_NOTICES, Instant.now(clock))
                        && deliverOne(CONFIRMATIONS)))) {
      attempted++;
    }
    return attempted;
  }

  private boolean deliverOne(Set<NoticeKind> kinds) {
    Instant now = Instant.now(clock);
    List<Notice> due = Notice.lockDue(kinds, now, 1);
    if (due.isEmpty()) {
      return false;
    }
    Notice notice = due.get(0);
    Subscriber subscriber = Subscriber.findById(notice.subscriberId);
    notice.attempts++;
    try {
      Mail mail =
          Mail.withText(subscriber.email, notice.subject, notice.body)
              .addHeader("Auto-Submitted", "auto-generated")
              .addHeader(
                  "List-Unsubscribe",
                  "<"
                      + statusPage.pageUrl()
                      + "/subscriptions/unsubscribe?token="
                      + subscriber.token
                      + ">");
      mailer.send(mail);
      notice.status = NoticeStatus.SENT;
      notice.sentAt = Instant.now(clock);
      notice.lastError = null;
      metrics.emailSent(notice.kind);
    } catch (RuntimeException e) {
      notice.lastError = String.valueOf(e.getMessage());
      if (notice.attempts >= config.maxAttempts()) {
        notice.status = NoticeStatus.FAILED;
        LOG.errorf(
            "email %d (%s) given up after %d attempts: %s",
            notice.id, notice.kind, notice.attempts, e.getMessage());
        metrics.emailFailed(notice.kind);
      } else {
        notice.nextAttemptAt = now.plus(backoff(notice.attempts));
        LOG.warnf(
            "email %d (%s) not sent (attempt %d), retrying at %s: %s",
            notice.id, notice.kind, notice.attempts, notice.nextAttemptAt, e.getMessage());
      }
    }
    return true;
  }

  Duration backoff(int attempts) {
    return RetryBackoff.after(attempts, config.initialBackoff(), config.maxBackoff());
  }
}
