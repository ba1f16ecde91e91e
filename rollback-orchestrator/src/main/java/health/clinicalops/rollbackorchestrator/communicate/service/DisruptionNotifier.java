package health.clinicalops.rollbackorchestrator.communicate.service;

import health.clinicalops.opskit.clients.AuditTrail;
import health.clinicalops.opskit.opsstate.Mode;
import health.clinicalops.rollbackorchestrator.common.Actor;
import health.clinicalops.rollbackorchestrator.common.OrchestratorMetrics;
import health.clinicalops.rollbackorchestrator.communicate.domain.ComponentStatus;
import health.clinicalops.rollbackorchestrator.communicate.domain.Disruption;
import health.clinicalops.rollbackorchestrator.communicate.domain.Notice;
import health.clinicalops.rollbackorchestrator.communicate.domain.NoticeKind;
import health.clinicalops.rollbackorchestrator.communicate.domain.Subscriber;
import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * "Email affected users if >15 min outage": follows the public status; when an outage (a component
 * in partial or major outage) or maintenance has lasted longer than {@code notices.after}, queues
 * exactly one email per confirmed subscriber, and when it is over one more to the same people.
 * Updates in between send nothing. Decisions are taken under a transaction-scoped advisory lock and
 * recorded on the {@link Disruption} row, and a unique index allows one notice of a kind per
 * subscriber and disruption: restarts and replicas neither repeat nor lose a decision.
 */
@ApplicationScoped
public class DisruptionNotifier {

  private static final Logger LOG = Logger.getLogger(DisruptionNotifier.class);
  private static final long LOCK_KEY = 0x5747_4154_5553L;

  private final StatusPageService statusPage;
  private final SubscriptionService subscriptions;
  private final OrchestratorConfig.Notices config;
  private final Clock clock;
  private final OrchestratorMetrics metrics;
  private final AuditTrail audit;

  DisruptionNotifier(
      StatusPageService statusPage,
      SubscriptionService subscriptions,
      OrchestratorConfig config,
      Clock clock,
      OrchestratorMetrics metrics,
      AuditTrail audit) {
    this.audit = audit;
    this.statusPage = statusPage;
    this.subscriptions = subscriptions;
    this.config = config.statusPage().notices();
    this.clock = clock;
    this.metrics = metrics;
  }

  @Scheduled(
      every = "${clinicalops.rollback-orchestrator.status-page.notices.poll-interval:5s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      identity = "disruption-notifier")
  void onTimer() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.warnf("disruption check failed, retried at the next tick: %s", e.getMessage());
    }
  }

  /** Opens, notifies and closes the current disruption; returns it (or null when none is open). */
  @Transactional
  public Disruption check() {
    Disruption.getEntityManager()
        .createNativeQuery("SELECT pg_advisory_xact_lock(:key)")
        .setParameter("key", LOCK_KEY)
        .getSingleResult();
    StatusSnapshot status = statusPage.snapshot();
    Instant now = status.now();
    boolean disrupted = status.overall().isDisruption();
    Disruption open = Disruption.findOpen().orElse(null);
    if (open == null && disrupted) {
      open = new Disruption();
      open.kind = status.mode() == Mode.MAINTENANCE ? Disruption.MAINTENANCE : Disruption.OUTAGE;
      open.startedAt = startOf(status, now);
      open.persist();
      LOG.infof("public %s started at %s", open.kind.toLowerCase(), open.startedAt);
    }
    if (open == null) {
      return null;
    }
    if (disrupted) {
      Duration lasted = Duration.between(open.startedAt, now);
      if (open.startedNoticeAt == null && lasted.compareTo(config.after()) > 0) {
        int queued = notifyStarted(open, status, lasted, now);
        open.startedNoticeAt = now;
        audit.record(
            Actor.SELF.name(),
            "status.subscribers-notified",
            Map.of(
                "disruptionId", open.id, "kind", open.kind, "notice", "started", "emails", queued));
        LOG.infof(
            "%s has lasted %s: one notice queued to each of %d confirmed subscribers",
            open.kind.toLowerCase(), lasted, queued);
      }
      return open;
    }
    open.endedAt = now;
    if (open.startedNoticeAt != null) {
      int queued = notifyEnded(open, status, now);
      open.endedNoticeAt = now;
      audit.record(
          Actor.SELF.name(),
          "status.subscribers-notified",
          Map.of("disruptionId", open.id, "kind", open.kind, "notice", "ended", "emails", queued));
      LOG.infof("%s is over: resolution notice queued to %d subscribers", open.kind, queued);
    }
    return open;
  }

  private static Instant startOf(StatusSnapshot status, Instant now) {
    return status.openIncidents().stream()
        .filter(i -> "major".equals(i.impact()) || "critical".equals(i.impact()))
        .map(PublicIncidentView::startedAt)
        .min(Instant::compareTo)
        .filter(t -> t.isBefore(now))
        .orElse(now);
  }

  private int notifyStarted(Disruption d, StatusSnapshot s, Duration lasted, Instant now) {
    boolean maintenance = Disruption.MAINTENANCE.equals(d.kind);
    String affected =
        s.components().stream()
            .filter(c -> c.status() != ComponentStatus.OPERATIONAL)
            .map(c -> c.name() + ": " + c.status().label())
            .collect(Collectors.joining("\n"));
    String subject =
        maintenance
            ? s.pageName() + ": maintenance in progress"
            : s.pageName() + ": service disruption (" + s.overall().label().toLowerCase() + ")";
    String body =
        (maintenance
                ? "Maintenance has been in progress since "
                : "We have been having a service disruption since ")
            + d.startedAt
            + " ("
            + lasted.toMinutes()
            + " minutes so far).\n\n"
            + affected
            + "\n\n"
            + (s.modeNotice() != null ? s.modeNotice() + "\n\n" : "")
            + "Follow the updates on the status page. We will email you once more when it is"
            + " over; not for every update.\n";
    int queued = 0;
    for (Subscriber subscriber : Subscriber.confirmed()) {
      subscriptions.queue(subscriber, d.id, NoticeKind.DISRUPTION_STARTED, subject, body, now);
      queued++;
    }
    metrics.noticesQueued("started", queued);
    return queued;
  }

  private int notifyEnded(Disruption d, StatusSnapshot s, Instant now) {
    boolean maintenance = Disruption.MAINTENANCE.equals(d.kind);
    List<Notice> started =
        Notice.list("disruptionId = ?1 and kind = ?2", d.id, NoticeKind.DISRUPTION_STARTED);
    Set<Long> notified = new HashSet<>();
    started.forEach(n -> notified.add(n.subscriberId));
    String subject =
        s.pageName() + (maintenance ? ": maintenance is over" : ": service disruption resolved");
    String body =
        (maintenance
                ? "The maintenance that started at "
                : "The service disruption that started at ")
            + d.startedAt
            + " ended at "
            + now
            + " ("
            + Duration.between(d.startedAt, now).toMinutes()
            + " minutes). Current state: "
            + s.overall().label()
            + ".\n";
    int queued = 0;
    for (Long id : notified) {
      Subscriber subscriber = Subscriber.findById(id);
      if (subscriber != null) {
        subscriptions.queue(subscriber, d.id, NoticeKind.DISRUPTION_ENDED, subject, body, now);
        queued++;
      }
    }
    metrics.noticesQueued("ended", queued);
    return queued;
  }
}
