package health.clinicalops.rollbackorchestrator.incident.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import health.clinicalops.rollbackorchestrator.incident.domain.Incident;
import health.clinicalops.rollbackorchestrator.incident.domain.Page;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Posts a page to its contact's webhook, as Slack-compatible or generic JSON. */
@ApplicationScoped
public class WebhookNotifier {

  private final OrchestratorConfig.Escalation config;
  private final ObjectMapper mapper;
  private final HttpClient http;

  WebhookNotifier(OrchestratorConfig config, ObjectMapper mapper) {
    this.config = config.escalation();
    this.mapper = mapper;
    this.http = HttpClient.newBuilder().connectTimeout(this.config.webhookTimeout()).build();
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
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url.get()))
              .timeout(config.webhookTimeout())
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
              .build();
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 != 2) {
        throw new DeliveryFailed("webhook answered " + response.statusCode());
      }
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new DeliveryFailed("cannot build the page: " + e.getMessage());
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
