package health.clinicalops.rollbackorchestrator.common;

import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.rollbackorchestrator.communicate.domain.NoticeKind;
import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * rollback-orchestrator's counters (Prometheus names {@code clinicalops_rollback_orchestrator_*}).
 * The series whose tag values are known in advance (outcomes, notice kinds, limits, the configured
 * contacts) are registered at start, so they read 0 before the first event. A counter is looked up
 * once per tag set and cached, so the hot path only increments.
 */
@ApplicationScoped
public class OrchestratorMetrics {

  private static final String PREFIX = "clinicalops_rollback_orchestrator_";

  private static final String INCIDENTS_OPENED = "incidents_opened_total";
  private static final String PAGES_SENT = "pages_sent_total";
  private static final String PAGES_FAILED = "pages_failed_total";
  private static final String ROLLBACKS = "rollbacks_total";
  private static final String NOTICES_QUEUED = "notices_queued_total";
  private static final String EMAILS_SENT = "emails_sent_total";
  private static final String EMAILS_FAILED = "emails_failed_total";
  private static final String SUBSCRIPTIONS = "subscriptions_total";
  private static final String SUBSCRIPTIONS_CONFIRMED = "subscriptions_confirmed_total";
  private static final String SUBSCRIPTIONS_PURGED = "subscriptions_purged_total";
  private static final String SUBSCRIPTIONS_REFUSED = "subscriptions_refused_total";
  private static final String STATUS_BUILDS = "status_builds_total";

  private static final Map<String, String> DESCRIPTIONS =
      Map.ofEntries(
          Map.entry(INCIDENTS_OPENED, "Incidents opened, by severity and runbook"),
          Map.entry(PAGES_SENT, "Pages delivered to a contact's webhook, by contact"),
          Map.entry(
              PAGES_FAILED,
              "Pages given up: the contact has no webhook or every attempt failed, by contact"),
          Map.entry(ROLLBACKS, "Rollbacks finished, by outcome (succeeded or failed)"),
          Map.entry(
              NOTICES_QUEUED, "Outage emails queued for subscribers, by kind (started or ended)"),
          Map.entry(EMAILS_SENT, "Emails the SMTP server accepted, by kind of notice"),
          Map.entry(EMAILS_FAILED, "Emails given up after the last attempt, by kind of notice"),
          Map.entry(SUBSCRIPTIONS, "Status page subscriptions created (not yet confirmed)"),
          Map.entry(SUBSCRIPTIONS_CONFIRMED, "Status page subscriptions confirmed by their link"),
          Map.entry(
              SUBSCRIPTIONS_PURGED,
              "Subscriptions deleted because they were not confirmed in time"),
          Map.entry(SUBSCRIPTIONS_REFUSED, "Subscribe requests refused by a limit (429), by limit"),
          Map.entry(
              STATUS_BUILDS, "Public status snapshots built from the database (once per change)"));

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  OrchestratorMetrics(MeterRegistry registry, OrchestratorConfig config) {
    this.registry = registry;
    for (String contact : config.escalation().contacts().keySet()) {
      counter(PAGES_SENT, "contact", contact);
      counter(PAGES_FAILED, "contact", contact);
    }
    for (String outcome : List.of("succeeded", "failed")) {
      counter(ROLLBACKS, "outcome", outcome);
    }
    for (String kind : List.of("started", "ended")) {
      counter(NOTICES_QUEUED, "kind", kind);
    }
    for (NoticeKind kind : NoticeKind.values()) {
      counter(EMAILS_SENT, "kind", kind.name());
      counter(EMAILS_FAILED, "kind", kind.name());
    }
    for (String limit : List.of("client", "overall", "unconfirmed")) {
      counter(SUBSCRIPTIONS_REFUSED, "limit", limit);
    }
    counter(SUBSCRIPTIONS);
    counter(SUBSCRIPTIONS_CONFIRMED);
    counter(SUBSCRIPTIONS_PURGED);
    counter(STATUS_BUILDS);
  }

  public void incidentOpened(Severity severity, String runbook) {
    counter(INCIDENTS_OPENED, "severity", severity.name(), "runbook", runbook).increment();
  }

  public void pageSent(String contact) {
    counter(PAGES_SENT, "contact", contact).increment();
  }

  public void pageFailed(String contact) {
    counter(PAGES_FAILED, "contact", contact).increment();
  }

  public void rollbackSucceeded() {
    counter(ROLLBACKS, "outcome", "succeeded").increment();
  }

  public void rollbackFailed() {
    counter(ROLLBACKS, "outcome", "failed").increment();
  }

  /** Outage emails queued: {@code kind} started (it lasts too long) or ended (it is over). */
  public void noticesQueued(String kind, int count) {
    counter(NOTICES_QUEUED, "kind", kind).increment(count);
  }

  public void emailSent(NoticeKind kind) {
    counter(EMAILS_SENT, "kind", kind.name()).increment();
  }

  public void emailFailed(NoticeKind kind) {
    counter(EMAILS_FAILED, "kind", kind.name()).increment();
  }

  public void subscriptionCreated() {
    counter(SUBSCRIPTIONS).increment();
  }

  public void subscriptionConfirmed() {
    counter(SUBSCRIPTIONS_CONFIRMED).increment();
  }

  public void subscriptionsPurged(long count) {
    counter(SUBSCRIPTIONS_PURGED).increment(count);
  }

  /** A subscribe request refused by {@code limit}: client, overall or unconfirmed. */
  public void subscriptionRefused(String limit) {
    counter(SUBSCRIPTIONS_REFUSED, "limit", limit).increment();
  }

  /** The public status was built from the database. */
  public void statusBuilt() {
    counter(STATUS_BUILDS).increment();
  }

  /** {@code tags}: key, value, key, value… */
  private Counter counter(String name, String... tags) {
    String id = name + '|' + String.join("|", tags);
    Counter c = counters.get(id);
    if (c == null) {
      c =
          counters.computeIfAbsent(
              id,
              x ->
                  Counter.builder(PREFIX + name)
                      .description(DESCRIPTIONS.get(name))
                      .tags(tags)
                      .register(registry));
    }
    return c;
  }
}
