package health.clinicalops.dbsentinel.service;

import health.clinicalops.dbsentinel.config.DbSentinelConfig;
import health.clinicalops.dbsentinel.domain.Cause;
import health.clinicalops.dbsentinel.domain.ConnectionHolder;
import health.clinicalops.dbsentinel.domain.DatabaseActivity;
import health.clinicalops.dbsentinel.domain.SentinelAction;
import health.clinicalops.dbsentinel.domain.SessionInfo;
import health.clinicalops.opskit.clients.AuditTrail;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.IncidentReporter;
import health.clinicalops.opskit.evidence.Runbooks;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.opsstate.DatabaseTarget;
import health.clinicalops.opskit.opsstate.Mode;
import health.clinicalops.opskit.opsstate.OpsState;
import health.clinicalops.opskit.opsstate.OpsStateWriter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.jboss.logging.Logger;

/**
 * Carries out the runbook's steps from each {@link Observation}, on the leader replica only:
 *
 * <ul>
 *   <li>primary unreachable longer than the detection delay → mode=read-only (leased, renewed) and
 *       a P0 incident;
 *   <li>unreachable longer than the failover delay and a healthy backup → database.target=backup
 *       (never while the primary answers); read-only stays on, so no write lands on the backup;
 *   <li>primary answering for the settling time → target back to primary, its own mode cleared, its
 *       incident resolved; but never when rows were written to the backup since the failover (or
 *       that cannot be told): switching back would discard them, so the target stays on the backup,
 *       read-only stays on, and the incident says why and what a person does next;
 *   <li>credentials rejected → incident (runbook step 5), no read-only, no failover: the server
 *       answers;
 *   <li>connection slots above the saturation threshold or refused (53300) → incident P2, P1 when
 *       no slot is left, with the top holders (runbook steps 3 and 4).
 * </ul>
 *
 * Every step goes to the audit trail and the incident timeline. Decisions about the mode and the
 * target are taken from the ConfigMap itself, so a replica that becomes leader mid-incident carries
 * on where the previous one stopped. In dry run nothing is written to the ConfigMap and nothing is
 * audited; the steps are logged, listed and put on the incident timeline as "would ...".
 */
@ApplicationScoped
public class RunbookResponder {

  public static final String SETTER = "db-sentinel";
  private static final Logger LOG = Logger.getLogger(RunbookResponder.class);
  private static final int KEPT_ACTIONS = 200;

  private final OpsStateWriter writer;
  private final IncidentReporter incidents;
  private final AuditTrail auditTrail;
  private final DbSentinelConfig config;
  private final SentinelMetrics metrics;
  private final Clock clock;
  private final Deque<SentinelAction> actions = new ConcurrentLinkedDeque<>();

  private OpenIncident outage;
  private OpenIncident credentials;
  private OpenIncident connectionSlots;
  private Instant slotsClearSince;
  private boolean dryRunReadOnly;
  private boolean dryRunOnBackup;

  /** An incident this replica has opened and not yet resolved. */
  private static final class OpenIncident {
    IncidentReport base;
    final Instant detectedAt;
    boolean failoverWithheldNoted;
    boolean foreignModeNoted;
    boolean failbackRefusedNoted;

    /** The backup's {@code rowsWritten} when the app was switched to it; null unknown. */
    Long backupRowsAtFailover;

    OpenIncident(IncidentReport base, Instant detectedAt) {
      this.base = base;
      this.detectedAt = detectedAt;
    }
  }

  RunbookResponder(
      OpsStateWriter writer,
      IncidentReporter incidents,
      AuditTrail auditTrail,
      DbSentinelConfig config,
      SentinelMetrics metrics,
      Clock clock) {
    this.writer = writer;
    this.incidents = incidents;
    this.auditTrail = auditTrail;
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The latest steps, newest first. */
  public List<SentinelAction> recentActions() {
    return List.copyOf(actions);
  }

  /** Dedup keys of the incidents this replica has open. */
  public synchronized List<String> openIncidentKeys() {
    List<String> keys = new ArrayList<>();
    for (OpenIncident incident : Arrays.asList(outage, credentials, connectionSlots)) {
      if (incident != null) {
        keys.add(incident.base.dedupKey());
      }
    }
    return keys;
  }

  /** Acts on one observation; a follower ({@code leader == false}) only observes. */
  public synchronized void respond(Observation o, boolean leader) {
    if (!leader) {
      // The leader owns the incidents now; if leadership comes back, they are picked up again
      // from the ConfigMap (mode and target) and the stable dedup keys.
      outage = null;
      credentials = null;
      connectionSlots = null;
      return;
    }
    OpsState ops = config.dryRun() ? OpsState.EMPTY : writer.read();
    handleOutage(o, ops);
    handleCredentials(o);
    handleConnectionSlots(o);
  }

  private void handleOutage(Observation o, OpsState ops) {
    DbSentinelConfig.Response response = config.response();
    boolean ownsReadOnly = config.dryRun() ? dryRunReadOnly : ownsReadOnly(ops);
    boolean onBackup =
        config.dryRun() ? dryRunOnBackup : ops.databaseTarget() == DatabaseTarget.BACKUP;

    if (o.primaryUnreachable() && atLeast(o.unreachableFor(), response.detectionDelay())) {
      if (outage == null) {
        outage = openOutage(o, ops, ownsReadOnly);
      } else if (ownsReadOnly) {
        renewLease(ops);
      }
      if (config.backup().jdbcUrl().isPresent()
          && !onBackup
          && atLeast(o.unreachableFor(), response.failoverDelay())) {
        failOver(o);
      }
      return;
    }
    if (o.primaryAnswering() && (ownsReadOnly || onBackup || outage != null)) {
      if (atLeast(o.answeringFor(), response.settlingTime())) {
        recover(o, ops, ownsReadOnly, onBackup);
      } else if (ownsReadOnly) {
        renewLease(ops);
      }
      return;
    }
    if (ownsReadOnly) {
      renewLease(ops);
    }
  }

  private static String leftUnchanged(OpsState ops) {
    return "mode is already "
        + ops.modeSetting().mode().wireValue()
        + " (set by "
        + ops.modeSetting().setBy()
        + "); db-sentinel does not override it";
  }

  private OpenIncident openOutage(Observation o, OpsState ops, boolean ownsReadOnly) {
    Instant detectedAt = Instant.now(clock);
    Instant outageStart = o.outageStartedAt().orElse(o.at());
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("cause", o.cause().wireValue());
    evidence.put("detail", o.detail());
    evidence.put("lastAnswerAt", outageStart.toString());
    evidence.put("unreachableForSeconds", o.unreachableFor().toSeconds());
    evidence.put("backupConfigured", config.backup().jdbcUrl().isPresent());
    evidence.put("backupHealthy", o.backupHealthy());
    String unreachable =
        "primary has not answered SELECT 1 for "
            + o.unreachableFor().toSeconds()
            + " s: "
            + o.detail();
    metrics.detected(Duration.between(outageStart, detectedAt));

    // The mode is set first: its "since" names the incident, so a replica taking over mid-outage
    // (which finds the mode set by db-sentinel) reports to the same incident.
    String modeAction;
    String modeDetail;
    Map<String, Object> modeEvidence = Map.of();
    Instant keyTime = outageStart;
    if (ownsReadOnly) {
      modeAction = "mode.read-only.kept";
      modeDetail = "read-only already set by db-sentinel";
      keyTime = ops.modeSetting().since().orElse(outageStart);
      renewLease(ops);
    } else if (config.dryRun() || ops.effectiveMode(Instant.now(clock)) == Mode.NORMAL) {
      String reason =
          "primary database unreachable (" + o.cause().wireValue() + ") since " + outageStart;
      Duration lease = config.response().modeLease();
      Optional<OpsState> written;
      if (config.dryRun()) {
        dryRunReadOnly = true;
        written = Optional.of(ops);
      } else {
        // Checked again against the ConfigMap as written: a person may have set a mode since.
        written = writer.setModeAsService(Mode.READ_ONLY, reason, SETTER, Optional.of(lease));
      }
      if (written.isPresent()) {
        if (!config.dryRun()) {
          keyTime = written.get().modeSetting().since().orElse(outageStart);
        }
        modeAction = "mode.read-only.set";
        modeDetail = reason + "; lease " + lease.toSeconds() + " s, renewed while the outage lasts";
        modeEvidence =
            Map.of("mode", Mode.READ_ONLY.wireValue(), "leaseSeconds", lease.toSeconds());
      } else {
        modeAction = "mode.left-unchanged";
        modeDetail = leftUnchanged(writer.read());
      }
    } else {
      modeAction = "mode.left-unchanged";
      modeDetail = leftUnchanged(ops);
    }
    IncidentReport base =
        IncidentReport.open(
            outageKey(keyTime),
            Runbooks.DATABASE_CONNECTIVITY_LOSS,
            Severity.P0,
            "Primary database unreachable (" + o.cause().wireValue() + ")",
            evidence,
            SETTER);
    OpenIncident incident = new OpenIncident(base, detectedAt);
    step(incident, "database.unreachable", unreachable, evidence);
    step(incident, modeAction, modeDetail, modeEvidence);
    return incident;
  }

  private static String outageKey(Instant time) {
    return "db-sentinel:primary-unreachable:" + time;
  }

  private void failOver(Observation o) {
    if (!o.backupHealthy()) {
      if (!outage.failoverWithheldNoted) {
        outage.failoverWithheldNoted = true;
        String why =
            o.backup().map(b -> b.failureCause().wireValue() + ": " + b.detail()).orElse("");
        step(
            outage,
            "failover.withheld",
            "primary unreachable for "
                + o.unreachableFor().toSeconds()
                + " s but the backup is not healthy ("
                + why
                + "); staying on primary in read-only mode",
            Map.of());
      }
      return;
    }
    if (config.dryRun()) {
      dryRunOnBackup = true;
    } else {
      writer.setDatabaseTarget(DatabaseTarget.BACKUP);
    }
    long backupRows = o.backup().map(b -> b.activity().rowsWritten()).orElse(-1L);
    outage.backupRowsAtFailover = backupRows >= 0 ? backupRows : null;
    step(
        outage,
        "database.target.backup",
        "primary unreachable for "
            + o.unreachableFor().toSeconds()
            + " s (failover delay "
            + config.response().failoverDelay().toSeconds()
            + " s) and the backup answers; database.target=backup, read-only stays on",
        Map.of(
            "target",
            DatabaseTarget.BACKUP.wireValue(),
            "backupRowsWrittenAtFailover",
            backupRows));
  }

  private void recover(Observation o, OpsState ops, boolean ownsReadOnly, boolean onBackup) {
    String settled =
        "primary has answered for "
            + o.answeringFor().toSeconds()
            + " s (settling time "
            + config.response().settlingTime().toSeconds()
            + " s)";
    if (onBackup) {
      Optional<String> refused = failbackRefusal(o);
      if (refused.isPresent()) {
        refuseFailback(o, ops, ownsReadOnly, settled + "; " + refused.get());
        return;
      }
      if (config.dryRun()) {
        dryRunOnBackup = false;
      } else {
        writer.setDatabaseTarget(DatabaseTarget.PRIMARY);
      }
      step(
          outage,
          "database.target.primary",
          settled
              + "; no row was written to the backup since the failover, so nothing is left"
              + " behind there; database.target=primary",
          Map.of("target", DatabaseTarget.PRIMARY.wireValue()));
    }
    if (ownsReadOnly) {
      boolean cleared = true;
      if (config.dryRun()) {
        dryRunReadOnly = false;
      } else {
        cleared = writer.clearMode(SETTER, "primary database healthy again");
      }
      if (cleared) {
        step(outage, "mode.normal", settled + "; cleared the read-only mode it had set", Map.of());
      }
    }
    if (outage == null && ownsReadOnly && !config.dryRun()) {
      // Taken over from a replica that set the mode: close the incident it opened.
      outage =
          new OpenIncident(
              IncidentReport.open(
                  outageKey(ops.modeSetting().since().orElse(o.at())),
                  Runbooks.DATABASE_CONNECTIVITY_LOSS,
                  Severity.P0,
                  "Primary database unreachable",
                  Map.of(),
                  SETTER),
              ops.modeSetting().since().orElse(o.at()));
    }
    if (outage != null) {
      Instant now = Instant.now(clock);
      Duration toRecover = Duration.between(outage.detectedAt, now);
      metrics.recovered(toRecover);
      record("incident.resolved", settled, Map.of("recoverySeconds", toRecover.toSeconds()));
      incidents.report(outage.base.resolvedBy(settled));
      outage = null;
    }
  }

  /**
   * Why switching back would lose writes, if it would: rows written to the backup since the
   * failover, or no way to tell (the failover was done by another replica, or the backup's
   * statistics are not readable or went back).
   */
  private Optional<String> failbackRefusal(Observation o) {
    long now =
        o.backup().filter(b -> b.reachable()).map(b -> b.activity().rowsWritten()).orElse(-1L);
    Long atFailover = outage == null ? null : outage.backupRowsAtFailover;
    if (atFailover == null || now < 0 || now < atFailover) {
      return Optional.of(
          "whether rows were written to the backup since the failover cannot be told (row"
              + " counters "
              + (atFailover == null ? "not recorded at the failover" : "at failover " + atFailover)
              + ", now "
              + (now < 0 ? "unreadable" : now)
              + ")");
    }
    if (now > atFailover) {
      return Optional.of(
          (now - atFailover) + " rows were written to the backup since the failover");
    }
    return Optional.empty();
  }

  /**
   * Stays on the backup with read-only on, and says once in the incident why and what a person
   * does: carry the backup's writes over to the primary, then set database.target=primary.
   */
  private void refuseFailback(Observation o, OpsState ops, boolean ownsReadOnly, String why) {
    if (ownsReadOnly) {
      renewLease(ops);
    }
    if (outage == null) {
      Instant since = ops.modeSetting().since().orElse(o.at());
      outage =
          new OpenIncident(
              IncidentReport.open(
                  outageKey(since),
                  Runbooks.DATABASE_CONNECTIVITY_LOSS,
                  Severity.P0,
                  "Primary database unreachable",
                  Map.of(),
                  SETTER),
              since);
    }
    if (!outage.failbackRefusedNoted) {
      outage.failbackRefusedNoted = true;
      step(
          outage,
          "failback.refused",
          why
              + ": switching back would discard them, so database.target stays backup and"
              + " read-only stays on. Carry the backup's changes over to the primary, then set"
              + " database.target=primary (db-sentinel then clears read-only and resolves this"
              + " incident)",
          Map.of("target", DatabaseTarget.BACKUP.wireValue()));
    }
  }

  private void renewLease(OpsState ops) {
    if (config.dryRun()) {
      return;
    }
    Duration lease = config.response().modeLease();
    Instant now = Instant.now(clock);
    Optional<Instant> expiresAt = ops.modeSetting().leaseExpiresAt();
    if (expiresAt.isEmpty()
        || Duration.between(now, expiresAt.get()).compareTo(lease.dividedBy(2)) < 0) {
      if (!writer.renewModeLease(SETTER, lease)) {
        LOG.info("read-only mode is no longer db-sentinel's; not renewing its lease");
      }
    }
  }

  private void handleCredentials(Observation o) {
    DbSentinelConfig.Response response = config.response();
    if (o.cause() == Cause.AUTHENTICATION
        && credentials == null
        && atLeast(o.causeFor(), response.detectionDelay())) {
      Map<String, Object> evidence = new LinkedHashMap<>();
      evidence.put("cause", o.cause().wireValue());
      evidence.put("detail", o.detail());
      evidence.put("username", config.primary().username());
      IncidentReport base =
          IncidentReport.open(
              "db-sentinel:credentials-rejected:" + o.causeSince(),
              Runbooks.DATABASE_CONNECTIVITY_LOSS,
              Severity.P1,
              "Primary database rejects credentials",
              evidence,
              SETTER);
      credentials = new OpenIncident(base, Instant.now(clock));
      step(
          credentials,
          "credentials.rejected",
          "the server answers but refuses the login ("
              + o.detail()
              + "): verify DATABASE_URL, a rotated password and the role's permissions;"
              + " no read-only mode and no failover, the primary is up",
          evidence);
    } else if (credentials != null
        && o.primaryAnswering()
        && atLeast(o.answeringFor(), response.settlingTime())) {
      record("incident.resolved", "credentials accepted again", Map.of());
      incidents.report(credentials.base.resolvedBy("credentials accepted again"));
      credentials = null;
    }
  }

  private void handleConnectionSlots(Observation o) {
    boolean problem = o.cause() == Cause.SATURATION || o.cause() == Cause.POOL_EXHAUSTION;
    if (problem && atLeast(o.causeFor(), config.response().detectionDelay())) {
      slotsClearSince = null;
      DatabaseActivity activity = o.lastActivity();
      double saturation = activity.connections().saturation();
      Severity severity =
          o.cause() == Cause.POOL_EXHAUSTION
                  || saturation >= config.saturation().criticalThreshold()
              ? Severity.P1
              : Severity.P2;
      Map<String, Object> evidence = slotsEvidence(o, activity, saturation);
      String detail =
          (o.cause() == Cause.POOL_EXHAUSTION
                  ? "the server refuses new connections (53300 too_many_connections)"
                  : String.format(
                      "%d of %d connection slots used (%.0f%%, threshold %.0f%%)",
                      activity.connections().used(),
                      activity.connections().max(),
                      saturation * 100,
                      config.saturation().threshold() * 100))
              + "; top holders: "
              + describe(activity.topHolders())
              + ". Runbook step 4: restart the app (recycle its pool) if it holds the slots";
      if (connectionSlots == null) {
        IncidentReport base =
            IncidentReport.open(
                "db-sentinel:connection-slots:" + o.causeSince(),
                Runbooks.DATABASE_CONNECTIVITY_LOSS,
                severity,
                "Database connection slots saturated",
                evidence,
                SETTER);
        connectionSlots = new OpenIncident(base, Instant.now(clock));
        step(connectionSlots, "connections.saturated", detail, evidence);
      } else if (severity.compareTo(connectionSlots.base.severity()) < 0) {
        connectionSlots.base =
            IncidentReport.open(
                connectionSlots.base.dedupKey(),
                Runbooks.DATABASE_CONNECTIVITY_LOSS,
                severity,
                "Database connection slots exhausted",
                evidence,
                SETTER);
        step(connectionSlots, "connections.escalated", detail, evidence);
      }
      return;
    }
    if (connectionSlots != null && o.primaryAnswering() && !problem) {
      if (slotsClearSince == null) {
        slotsClearSince = o.at();
      }
      if (atLeast(Duration.between(slotsClearSince, o.at()), config.response().settlingTime())) {
        String detail =
            "connection slots below the threshold for "
                + config.response().settlingTime().toSeconds()
                + " s";
        record("incident.resolved", detail, Map.of());
        incidents.report(connectionSlots.base.resolvedBy(detail));
        connectionSlots = null;
        slotsClearSince = null;
      }
    }
  }

  private Map<String, Object> slotsEvidence(
      Observation o, DatabaseActivity activity, double saturation) {
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("cause", o.cause().wireValue());
    evidence.put(
        "used", activity.connections().used() == null ? -1 : activity.connections().used());
    evidence.put("max", activity.connections().max() == null ? -1 : activity.connections().max());
    evidence.put("saturation", saturation);
    evidence.put("byState", activity.connections().byState());
    evidence.put("topHolders", holders(activity.topHolders()));
    evidence.put("idleInTransaction", sessions(activity.idleInTransaction()));
    evidence.put("longRunning", sessions(activity.longRunning()));
    return evidence;
  }

  private static List<Map<String, Object>> holders(List<ConnectionHolder> holders) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ConnectionHolder h : holders) {
      out.add(
          Map.of(
              "user", h.user(),
              "application", h.application(),
              "clientAddress", h.clientAddress(),
              "state", h.state(),
              "connections", h.connections()));
    }
    return out;
  }

  private static List<Map<String, Object>> sessions(List<SessionInfo> sessions) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (SessionInfo s : sessions) {
      out.add(
          Map.of(
              "pid", s.pid(),
              "user", s.user(),
              "application", s.application(),
              "state", s.state(),
              "durationSeconds", s.durationSeconds()));
    }
    return out;
  }

  private static String describe(List<ConnectionHolder> holders) {
    List<String> parts = new ArrayList<>();
    for (ConnectionHolder h : holders) {
      parts.add(
          h.connections()
              + " × "
              + h.user()
              + "/"
              + (h.application().isEmpty() ? "?" : h.application())
              + " ("
              + h.state()
              + ")");
    }
    return parts.isEmpty() ? "none visible" : String.join(", ", parts);
  }

  private static boolean ownsReadOnly(OpsState ops) {
    return ops.modeSetting().mode() == Mode.READ_ONLY && SETTER.equals(ops.modeSetting().setBy());
  }

  private static boolean atLeast(Duration duration, Duration threshold) {
    return duration.compareTo(threshold) >= 0;
  }

  /** One step: logged, listed, audited (unless dry run) and put on the incident's timeline. */
  private void step(
      OpenIncident incident, String action, String detail, Map<String, Object> evidence) {
    record(action, detail, evidence);
    if (incident != null) {
      incidents.report(
          incident.base.withStep(config.dryRun() ? "dry-run: would " + action : action, detail));
    }
  }

  private void record(String action, String detail, Map<String, Object> evidence) {
    SentinelAction entry =
        new SentinelAction(action, detail, evidence, config.dryRun(), Instant.now(clock));
    actions.addFirst(entry);
    while (actions.size() > KEPT_ACTIONS) {
      actions.pollLast();
    }
    LOG.infof("%s%s: %s", config.dryRun() ? "[dry run] would " : "", action, detail);
    if (!config.dryRun()) {
      Map<String, Object> details = new LinkedHashMap<>(evidence);
      details.put("detail", detail);
      auditTrail.record(SETTER, "database." + action, details);
    }
  }
}
