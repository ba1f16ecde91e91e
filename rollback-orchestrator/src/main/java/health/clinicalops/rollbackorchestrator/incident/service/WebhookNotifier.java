package health.clinicalops.rollbackorchestrator.incident.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import health.clinicalops.rollbackorchestrator.incident.domain.Incident;
import health.clinicalops.rollbackorchestrator.incident.domain.Page;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * Posts a page to its contact's webhook, as Slack-compatible or generic JSON.
 *
 * <p>Each contact's webhook has its own timeout and named circuit breaker ({@code page-webhook-}
 * and the contact), so a dead route to one contact never delays the pages to the others. There is
 * no retry here: a page that fails stays due and is sent again from its row with backoff ({@link
 * PageDelivery}), which a restart does not forget.
 */
@ApplicationScoped
public class WebhookNotifier {

  /** Prefix of each contact's circuit breaker name (metrics tag {@code name}). */
  public static final String BREAKER_PREFIX = "page-webhook-";

  private final OrchestratorConfig.Escalation config;
  private final ObjectMapper mapper;
  private final HttpClient http;
  private final Map<String, Guard> guards;

  WebhookNotifier(OrchestratorConfig config, ObjectMapper mapper) {
    this.config = config.escalation();
    this.mapper = mapper;
    this.http = HttpClient.newBuilder().connectTimeout(this.config.webhookTimeout()).build();
    // The HTTP client's own timeouts end a hung call first; the guard's is the backstop.
    long backstopMillis = this.config.webhookTimeout().toMillis() * 2;
    this.guards =
        this.config.contacts().keySet().stream()
            .collect(
                Collectors.toUnmodifiableMap(
                    contact -> contact,
                    contact ->
                        Guard.create()
                            .withDescription("page webhook of " + contact)
                            .withTimeout()
                            .duration(backstopMillis, ChronoUnit.MILLIS)
                            .done()
                            .withCircuitBreaker()
                            .name(BREAKER_PREFIX + contact)
                            .requestVolumeThreshold(4)
                            .failureRatio(0.75)
                            .delay(10, ChronoUnit.SECONDS)
                            .done()
                            .build()));
  }

  /** The generic body: every field a receiver may route on. */
  @RegisterForReflection
  public record GenericPage(
      long incidentId,
      String dedupKey,
      String runbook,
      String severity,
      String title,
      String status,
      String contact,
      int escalationLevel,
      String reason,
      boolean breachSuspected,
      Instant openedAt,
      Instant pagedAt) {}

  /** Slack's incoming-webhook body. */
  @RegisterForReflection
  public record SlackPage(String text) {}

  /** Thrown when a page could not be delivered (retried later). */
  public static class DeliveryFailed extends Exception {
    DeliveryFailed(String message) {
      super(message);
    }
  }

  /** Thrown when the contact has no webhook: retrying cannot help. */
  public static class NoWebhook extends Exception {
    NoWebhook(String message) {
      super(message);
    }
  }

  public void send(Page page, Incident incident, Instant now) throws DeliveryFailed, NoWebhook {
    OrchestratorConfig.Contact contact = config.contacts().get(page.contact);
    Optional<String> url = contact == null ? Optional.empty() : contact.webhookUrl();
    if (url.isEmpty() || url.get().isBlank()) {
      throw new NoWebhook("no webhook configured for contact '" + page.contact + "'");
    }
    Object body =
        "slack".equalsIgnoreCase(contact.format())
            ? new SlackPage(slackText(page, incident))
            : new GenericPage(
                incident.id,
                incident.dedupKey,
                incident.runbook,
                incident.severity.name(),
                incident.title,
                incident.status.name(),
                page.contact,
                page.escalationLevel,
                page.reason,
                incident.breachSuspected,
                incident.openedAt,
                now);
    String json;
    try {
      json = mapper.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new DeliveryFailed("cannot build the page: " + e.getMessage());
    }
    try {
      guards.get(page.contact).call(() -> post(url.get(), json), Void.class);
    } catch (DeliveryFailed e) {
      throw e;
    } catch (CircuitBreakerOpenException e) {
      throw new DeliveryFailed(
          "not tried: the webhook of '" + page.contact + "' failed repeatedly (circuit open)");
    } catch (TimeoutException e) {
      throw new DeliveryFailed("webhook did not answer in time");
    } catch (Exception e) {
      throw new DeliveryFailed("webhook call failed: " + e);
    }
  }

  private Void post(String url, String json) throws DeliveryFailed {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(config.webhookTimeout())
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(json))
              .build();
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 != 2) {
        throw new DeliveryFailed("webhook answered " + response.statusCode());
      }
      return null;
    } catch (IllegalArgumentException e) {
      throw new DeliveryFailed("bad webhook URL: " + e.getMessage());
    } catch (IOException e) {
      throw new DeliveryFailed("webhook unreachable: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryFailed("interrupted");
    }
  }

  private static String slackText(Page page, Incident incident) {
    return String.format(
        ":rotating_light: *%s* %s%s — %s (runbook %s, incident %d, %s, paged %s: %s)",
        incident.severity,
        incident.breachSuspected ? "[DATA BREACH SUSPECTED] " : "",
        incident.title,
        incident.status,
        incident.runbook,
        incident.id,
        incident.dedupKey,
        page.contact,
        page.reason);
  }

  Map<String, OrchestratorConfig.Contact> contacts() {
    return config.contacts();
  }
}
