package health.clinicalops.rollbackorchestrator.communicate.service;

import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * The outbound edge to the SMTP server, where its fault-tolerance policy sits: the send timeout and
 * a circuit breaker named {@value #BREAKER}. While it is open a send fails at once and the notice
 * stays due. There is no retry here: a notice is sent again from its row with backoff ({@link
 * NoticeDelivery}), so a retry survives a restart and never holds the row lock longer.
 */
@ApplicationScoped
public class MailSender {

  /** Circuit breaker of the SMTP sends (metrics tag {@code name}). */
  public static final String BREAKER = "smtp";

  private final ReactiveMailer mailer;
  private final Duration sendTimeout;
  private final Guard guard;

  MailSender(ReactiveMailer mailer, OrchestratorConfig config) {
    this.mailer = mailer;
    this.sendTimeout = config.statusPage().notices().sendTimeout();
    // The wait below ends a hung send first, without interrupting the caller's thread; the guard's
    // timeout is the backstop.
    this.guard =
        Guard.create()
            .withDescription("SMTP send")
            .withTimeout()
            .duration(sendTimeout.toMillis() * 2, ChronoUnit.MILLIS)
            .done()
            .withCircuitBreaker()
            .name(BREAKER)
            .requestVolumeThreshold(4)
            .failureRatio(0.75)
            .delay(10, ChronoUnit.SECONDS)
            .done()
            .build();
  }

  /**
   * Hands {@code mail} to the SMTP server; returns once the server has accepted it.
   *
   * @throws RuntimeException when it was not accepted: refused, timed out, or the circuit is open
   */
  public void send(Mail mail) {
    guard.get(() -> mailer.send(mail).await().atMost(sendTimeout), Void.class);
  }
}
