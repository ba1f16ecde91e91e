package health.clinicalops.errorwatch.service;

import health.clinicalops.errorwatch.clients.DatabaseStatus;
import health.clinicalops.errorwatch.clients.PeerCalls;
import health.clinicalops.errorwatch.config.ErrorWatchConfig;
import health.clinicalops.errorwatch.config.ErrorWatchConfig.RollbackMode;
import health.clinicalops.errorwatch.domain.Cause;
import health.clinicalops.errorwatch.domain.Deploy;
import health.clinicalops.errorwatch.domain.FingerprintStats;
import health.clinicalops.errorwatch.domain.SpikeDecision;
import health.clinicalops.opskit.clients.AuditTrail;
import health.clinicalops.opskit.clients.RollbackRequest;
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
  static final String ACTOR = "error-watch";

  private final ErrorWatchConfig config;
  private final ErrorWindows windows;
  private final DeployRegistry deploys;
  private final PeerCalls peers;
  private final AuditTrail auditTrail;
  private final List<Pattern> thirdParty;

  SpikeDiagnosis(
      ErrorWatchConfig config,
      ErrorWindows windows,
      DeployRegistry deploys,
      PeerCalls peers,
      AuditTrail auditTrail) {
    this.config = config;
    this.windows = windows;
    this.deploys = deploys;
    this.peers = peers;
    this.auditTrail = auditTrail;
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
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("errorRatio", ratio);
    evidence.put("spikeStartedAt", spikeStart.toString());
    evidence.put("firedAt", firedAt.toString());
    evidence.put("threshold", config.alert().threshold());

    DatabaseStatus database = peers.databaseStatus();
    evidence.put("databaseState", database.state());
    evidence.put("databaseCause", String.valueOf(database.cause()));

    Optional<Deploy> deploy = Optional.empty();
    try {
      deploy =
          deploys.latestBetween(
              pendingSince.minus(settings.deployCorrelationWindow()), pendingSince);
    } catch (SQLException e) {
      LOG.warnf("error-watch: deploys unreadable, deciding without them: %s", e.getMessage());
      evidence.put("deploysUnreadable", e.getMessage());
    }
    long newCount = 0;
    long thirdPartyCount = 0;
    List<Map<String, Object>> topEvidence = new ArrayList<>();
    for (FingerprintStats stats : top) {
      Long first = windows.firstSeen(stats.fingerprint());
      boolean isNew =
          deploy.isPresent() && first != null && first >= deploy.get().deployedAt().toEpochMilli();
      boolean external = thirdParty.stream().anyMatch(p -> p.matcher(stats.fingerprint()).find());
      newCount += isNew ? stats.count() : 0;
      thirdPartyCount += external ? stats.count() : 0;
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("fingerprint", stats.fingerprint());
      row.put("count", stats.count());
      row.put("firstSeenEver", first == null ? null : Instant.ofEpochMilli(first).toString());
      row.put("newSinceDeploy", isNew);
      row.put("namesThirdParty", external);
      row.put("endpoints", stats.endpoints());
      row.put("sample", stats.sample());
      topEvidence.add(row);
    }
    evidence.put("topErrors", topEvidence);
    deploy.ifPresent(d -> evidence.put("deploy", describe(d)));

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

  private SpikeDecision rollback(Deploy deploy, double ratio, Map<String, Object> evidence) {
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
    evidence.put("rollbackMode", mode.name());
    Map<String, Object> audit = new LinkedHashMap<>();
    audit.put("deployment", deploy.app());
    audit.put("fromRevision", String.valueOf(deploy.revision()));
    audit.put("toRevision", String.valueOf(deploy.previousRevision()));
    audit.put("mode", mode.name());
    audit.put("reason", reason);
    try {
      Map<String, Object> answer = peers.requestRollback(request);
      evidence.put("rollback", answer == null ? Map.of() : answer);
      audit.put("outcome", "requested");
      auditTrail.record(ACTOR, "rollback.requested", audit);
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
          evidence);
    } catch (RuntimeException e) {
      LOG.warnf("error-watch: rollback request for %s failed: %s", deploy.app(), e.getMessage());
      evidence.put("rollbackFailure", String.valueOf(e.getMessage()));
      audit.put("outcome", "failed: " + e.getMessage());
      auditTrail.record(ACTOR, "rollback.request-failed", audit);
      return new SpikeDecision(
          Cause.SUSPECT_DEPLOYMENT,
          "suspect deployment "
              + deploy.app()
              + " revision "
              + deploy.revision()
              + ": the rollback request failed, roll back by hand (Rollback runbook)",
          false,
          evidence);
    }
  }

  static Map<String, Object> describe(Deploy d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", d.id().toString());
    m.put("app", d.app());
    m.put("image", String.valueOf(d.image()));
    m.put("revision", String.valueOf(d.revision()));
    m.put("release", String.valueOf(d.release()));
    m.put("previousRevision", String.valueOf(d.previousRevision()));
    m.put("deployedAt", d.deployedAt().toString());
    m.put("source", d.source());
    return m;
  }
}
