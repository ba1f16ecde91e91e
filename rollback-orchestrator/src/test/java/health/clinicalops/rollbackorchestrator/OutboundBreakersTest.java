package health.clinicalops.rollbackorchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.rollbackorchestrator.communicate.service.MailSender;
import health.clinicalops.rollbackorchestrator.incident.domain.Incident;
import health.clinicalops.rollbackorchestrator.incident.domain.IncidentStatus;
import health.clinicalops.rollbackorchestrator.incident.domain.Page;
import health.clinicalops.rollbackorchestrator.incident.service.WebhookNotifier;
import io.quarkus.mailer.Mail;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The breakers on the pages' webhooks and on SMTP, against real receivers: a webhook that keeps
 * failing stops being called (one contact's breaker, the others' pages still go out), and an SMTP
 * server that accepts connections and never answers costs one send timeout, then nothing.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
@WithTestResource(value = SmtpTestResource.class, scope = TestResourceScope.GLOBAL)
class OutboundBreakersTest {

  @Inject WebhookNotifier webhooks;
  @Inject MailSender mail;
  @Inject CircuitBreakerMaintenance breakers;

  @AfterEach
  void healthyReceiversAndClosedBreakers() {
    WebhookReceiverResource.FAILING.clear();
    SmtpTestResource.restart();
    breakers.resetAll();
  }

  @Test
  void aFailingWebhookOpensItsContactsBreakerOnlyAndIsThenNotCalled() throws Exception {
    WebhookReceiverResource.FAILING.add("product-team");
    for (int attempt = 0; attempt < 4; attempt++) {
      assertThatThrownBy(() -> webhooks.send(page("product-team"), incident(), Instant.now()))
          .isInstanceOf(WebhookNotifier.DeliveryFailed.class)
          .hasMessage("webhook answered 503");
    }
    assertThat(breakers.currentState(WebhookNotifier.BREAKER_PREFIX + "product-team"))
        .isEqualTo(CircuitBreakerState.OPEN);

    WebhookReceiverResource.FAILING.clear();
    long callsBefore = callsTo("product-team");
    assertThatThrownBy(() -> webhooks.send(page("product-team"), incident(), Instant.now()))
        .isInstanceOf(WebhookNotifier.DeliveryFailed.class)
        .hasMessageContaining("circuit open");
    assertThat(callsTo("product-team")).isEqualTo(callsBefore);

    // another contact's route is not affected
    long ctoBefore = callsTo("cto");
    webhooks.send(page("cto"), incident(), Instant.now());
    assertThat(callsTo("cto")).isEqualTo(ctoBefore + 1);
    assertThat(breakers.currentState(WebhookNotifier.BREAKER_PREFIX + "cto"))
        .isEqualTo(CircuitBreakerState.CLOSED);
  }

  @Test
  void aHungSmtpServerCostsOneSendTimeoutThenTheBreakerAnswersAtOnce() {
    SmtpTestResource.hang();

    for (int attempt = 0; attempt < 4; attempt++) {
      long started = System.nanoTime();
      assertThatThrownBy(() -> mail.send(testMail())).isInstanceOf(RuntimeException.class);
      // the test profile's send timeout is 2 s
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }
    assertThat(breakers.currentState(MailSender.BREAKER)).isEqualTo(CircuitBreakerState.OPEN);

    long started = System.nanoTime();
    assertThatThrownBy(() -> mail.send(testMail()))
        .isInstanceOf(
            org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(200));

    SmtpTestResource.restart();
    breakers.resetAll();
    SmtpTestResource.purge();
    mail.send(testMail());
    assertThat(SmtpTestResource.receivedBy("on-call@example.org")).hasSize(1);
  }

  private static long callsTo(String contact) {
    return WebhookReceiverResource.CALLS.stream().filter(contact::equals).count();
  }

  private static Mail testMail() {
    return Mail.withText("on-call@example.org", "breaker test", "a test message");
  }

  private static Page page(String contact) {
    Page page = new Page();
    page.contact = contact;
    page.escalationLevel = 0;
    page.reason = "breaker test";
    return page;
  }

  private static Incident incident() {
    Incident incident = new Incident();
    incident.id = -1L;
    incident.dedupKey = "breaker-test";
    incident.runbook = "rate-limit-overwhelmed";
    incident.severity = Severity.P3;
    incident.title = "Breaker test";
    incident.status = IncidentStatus.OPEN;
    incident.openedAt = Instant.now();
    return incident;
  }
}
