package health.clinicalops.errorwatch.service;

import health.clinicalops.errorwatch.config.ErrorWatchConfig;
import health.clinicalops.errorwatch.config.ErrorWatchConfig.RollbackMode;
import health.clinicalops.errorwatch.domain.Cause;
import health.clinicalops.errorwatch.domain.Deploy;
import health.clinicalops.errorwatch.domain.FingerprintStats;
import health.clinicalops.errorwatch.domain.SpikeDecision;
import health.clinicalops.opskit.clients.DatabaseStatus;
import health.clinicalops.opskit.clients.OutboundCalls;
import health.clinicalops.opskit.clients.RollbackAnswer;
import health.clinicalops.opskit.clients.RollbackRequest;
import health.clinicalops.opskit.evidence.ErrorSpikeEvidence;
import health.clinicalops.opskit.evidence.ErrorSpikeEvidence.TopError;
import health.clinicalops.opskit.journal.RunbookJournal;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The runbook's decision point, taken once per alert: database (db-sentinel says down), third party
 * (the top errors name an external dependency), or a suspect deployment (a deploy within the
 * correlation window before the spike whose top errors are new since that release) — in that order.
 * A suspect deployment is sent to rollback-orchestrator as a rollback request: in {@code recommend}
 * mode it waits there for an operator's approval, in {@code auto} mode it follows the
 * orchestrator's own mode.
 */
@ApplicationScoped
public class SpikeDiagnosis {

  private static final Logger LOG = Logger.getLogger(SpikeDiagnosis.class);

  private final ErrorWatchConfig config;
  private final ErrorWindows windows;
  private final DeployRegistry deploys;
  private final OutboundCalls peers;
  private final RunbookJournal journal;
  private final List<Pattern> thirdParty;

  SpikeDiagnosis(
      ErrorWatchConfig config,
      ErrorWindows windows,
      DeployRegistry deploys,
      OutboundCalls peers,
      RunbookJournal journal) {
    this.config = config;
    this.windows = windows;
    this.deploys = deploys;
    this.peers = peers;
    this.journal = journal;
    this.thirdParty =
        config.decision().thirdPartyPatterns().stream().map(Pattern::compile).toList();
  }

  /**
   * Decides about the spike whose ratio first went above the threshold at {@code pendingSince} and
   * that fired at {@code firedAt}.
   */
  public SpikeDecision decide(Instant pendingSince, Instant firedAt, double ratio) {
    ErrorWatchConfig.Decision settings = config.decision();
    Instant spikeStart = pendingSince.minus(config.alert().ratioWindow());
    List<FingerprintStats> top =
        windows.topErrors(
            spikeStart.toEpochMilli(), firedAt.toEpochMilli(), settings.topFingerprints());
    long topCount = top.stream().mapToLong(FingerprintStats::count).sum();
    DatabaseStatus database = peers.databaseStatus();

    Optional<Deploy> deploy = Optional.empty();
    String deploysUnreadable = null;
    try {
      deploy =
          deploys.latestBetween(
              pendingSince.minus(settings.deployCorrelationWindow()), pendingSince);
    } catch (SQLException e) {
      LOG.warnf("error-watch: deploys unreadable, deciding without them: %s", e.getMessage());
      deploysUnreadable = e.getMessage();
    }
    long newCount = 0;
    long thirdPartyCount = 0;
    List<TopError> topErrors = new ArrayList<>();
    for (FingerprintStats stats : top) {
      Long first = windows.firstSeen(stats.fingerprint());
      boolean isNew =
          deploy.isPresent() && first != null && first >= deploy.get().deployedAt().toEpochMilli();
      boolean external = thirdParty.stream().anyMatch(p -> p.matcher(stats.fingerprint()).find());
      newCount += isNew ? stats.count() : 0;
      thirdPartyCount += external ? stats.count() : 0;
      topErrors.add(
          new TopError(
              stats.fingerprint(),
              stats.count(),
              first == null ? null : Instant.ofEpochMilli(first),
              isNew,
              external,
              busiestFirst(stats.endpoints()),
              stats.sample()));
    }
    ErrorSpikeEvidence evidence =
        ErrorSpikeEvidence.observed(
            ratio,
            spikeStart,
            firedAt,
            config.alert().threshold(),
            database.state(),
            database.cause(),
            deploysUnreadable,
            topErrors,
            deploy.map(SpikeDiagnosis::describe).orElse(null));

    if (database.isDown()) {
      return new SpikeDecision(
          Cause.DATABASE,
          "db-sentinel reports the database down ("
              + database.cause()
              + "): follow the Database Connectivity Loss runbook; no rollback",
          false,
          evidence);
    }
    if (topCount > 0 && thirdPartyCount >= settings.thirdPartyShare() * topCount) {
      return new SpikeDecision(
          Cause.THIRD_PARTY,
          "the top errors name an external dependency: wait for its recovery and communicate",
          false,
          evidence);
    }
    if (deploy.isPresent() && topCount > 0 && newCount >= settings.newErrorShare() * topCount) {
      return rollback(deploy.get(), ratio, evidence);
    }
    return new SpikeDecision(
        Cause.UNKNOWN,
        deploy.isPresent()
            ? "a deploy preceded the spike but its top errors are not new since it: investigate"
            : "no deploy within the correlation window, database up, no third party named:"
                + " investigate",
        false,
        evidence);
  }

  /**
   * A Deployment revision is a number; a deploy reported over REST may name its previous release
   * otherwise (a tag), and then the orchestrator chooses the last stable revision itself.
   */
  static Long revisionNumber(String revision) {
    if (revision == null || !revision.matches("[1-9][0-9]{0,17}")) {
      return null;
    }
    return Long.valueOf(revision);
  }

  private SpikeDecision rollback(Deploy deploy, double ratio, ErrorSpikeEvidence evidence) {
    RollbackMode mode = config.decision().rollbackMode();
    String reason =
        String.format(
            "error-watch: error ratio %.1f%% after deploy of %s revision %s (%s); top errors new"
                + " since that release",
            100 * ratio, deploy.app(), deploy.revision(), deploy.image());
    RollbackRequest request =
        RollbackRequest.codeOnly(
            deploy.app(),
            revisionNumber(deploy.previousRevision()),
            reason,
            mode == RollbackMode.recommend);
    Map<String, Object> audit = new LinkedHashMap<>();
    audit.put("deployment", deploy.app());
    audit.put("fromRevision", String.valueOf(deploy.revision()));
    audit.put("toRevision", String.valueOf(deploy.previousRevision()));
    audit.put("mode", mode.name());
    audit.put("reason", reason);
    String rollbackOf =
        "rollback of "
            + deploy.app()
            + " revision "
            + deploy.revision()
            + " to "
            + (request.toRevision() == null
                ? "its last stable revision"
                : "revision " + request.toRevision());
    try {
      RollbackAnswer answer = peers.requestRollback(request);
      String id = answer == null ? null : answer.id();
      String status = answer == null ? null : answer.status();
      audit.put("outcome", "requested");
      audit.put("rollbackId", String.valueOf(id));
      journal.record(
          "rollback.requested",
          rollbackOf + " requested (" + mode + "): rollback " + id + " " + status,
          audit);
      return new SpikeDecision(
          Cause.SUSPECT_DEPLOYMENT,
          "suspect deployment "
              + deploy.app()
              + " revision "
              + deploy.revision()
              + ": rollback requested ("
              + mode
              + ")",
          true,
          evidence.withRollback(mode.name(), id, status, null));
    } catch (RuntimeException e) {
      audit.put("outcome", "failed: " + e.getMessage());
      journal.recordWarning(
          "rollback.request-failed", rollbackOf + " not requested: " + e.getMessage(), audit);
      return new SpikeDecision(
          Cause.SUSPECT_DEPLOYMENT,
          "suspect deployment "
              + deploy.app()
              + " revision "
              + deploy.revision()
              + ": the rollback request failed, roll back by hand (Rollback runbook)",
          false,
          evidence.withRollback(mode.name(), null, null, String.valueOf(e.getMessage())));
    }
  }

  /** The evidence keeps the first endpoints of a fingerprint: these should be its busiest. */
  private static Map<String, Long> busiestFirst(Map<String, Long> endpoints) {
    Map<String, Long> sorted = new LinkedHashMap<>();
    endpoints.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  static ErrorSpikeEvidence.Deploy describe(Deploy d) {
    return new ErrorSpikeEvidence.Deploy(
        d.id().toString(),
        d.app(),
        d.image(),
        d.revision(),
        d.release(),
        d.previousRevision(),
        d.deployedAt(),
        d.source());
  }
}
