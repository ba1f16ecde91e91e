package health.clinicalops.dbsentinel.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.dbsentinel.config.DbSentinelConfig;
import health.clinicalops.dbsentinel.domain.Cause;
import health.clinicalops.dbsentinel.domain.ConnectionHolder;
import health.clinicalops.dbsentinel.domain.DatabaseActivity;
import health.clinicalops.dbsentinel.domain.SentinelAction;
import health.clinicalops.dbsentinel.domain.SessionInfo;
import health.clinicalops.opskit.ServiceNames;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.dryrun.DryRun;
import health.clinicalops.opskit.evidence.DatabaseLossEvidence;
import health.clinicalops.opskit.journal.RunbookIncident;
import health.clinicalops.opskit.journal.RunbookJournal;
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
 * Every step goes through the runbook journal (log, audit trail, incident timeline) and to the list
 * of recent actions. Decisions about the mode and the target are taken from the ConfigMap itself,
 * so a replica that becomes leader mid-incident carries on where the previous one stopped. In a dry
 * run ({@code clinicalops.dry-run}) nothing is written to the ConfigMap; the steps are logged,
 * listed, audited as dry runs and put on the incident timeline as "would ...".
 */
@ApplicationScoped
public class RunbookResponder {

  private static final Logger LOG = Logger.getLogger(RunbookResponder.class);
  private static final int KEPT_ACTIONS = 200;
  private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() {};

  private final OpsStateWriter writer;
  private final RunbookJournal journal;
  private final ObjectMapper json;
  private final DbSentinelConfig config;
  private final DryRun dryRun;
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
    RunbookIncident incident;
    final Instant detectedAt;
    boolean failoverWithheldNoted;
    boolean foreignModeNoted;
    boolean failbackRefusedNoted;

    /** The backup's {@code rowsWritten} when the app was switched to it; null unknown. */
    Long backupRowsAtFailover;

    OpenIncident(RunbookIncident incident, Instant detectedAt) {
      this.incident = incident;
      this.detectedAt = detectedAt;
    }
  }

  RunbookResponder(
      OpsStateWriter writer,
      RunbookJournal journal,
      ObjectMapper json,
      DbSentinelConfig config,
      DryRun dryRun,
      SentinelMetrics metrics,
      Clock clock) {
    this.writer = writer;
    this.journal = journal;
    this.json = json;
    this.config = config;
    this.dryRun = dryRun;
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
        keys.add(incident.incident.dedupKey());
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
    OpsState ops = dryRun.enabled() ? OpsState.EMPTY : writer.read();
    handleOutage(o, ops);
    handleCredentials(o);
    handleConnectionSlots(o);
  }

  private void handleOutage(Observation o, OpsState ops) {
    DbSentinelConfig.Response response = config.response();
    boolean ownsReadOnly = dryRun.enabled() ? dryRunReadOnly : ownsReadOnly(ops);
    boolean onBackup =
        dryRun.enabled() ? dryRunOnBackup : ops.databaseTarget() == DatabaseTarget.BACKUP;

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
    DatabaseLossEvidence evidence =
        DatabaseLossEvidence.unreachable(
            o.cause().wireValue(),
            o.detail(),
            outageStart,
            o.unreachableFor().toSeconds(),
            config.backup().jdbcUrl().isPresent(),
            o.backupHealthy());
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
    Map<String, Object> modeAuditDetails = Map.of();
    Instant keyTime = outageStart;
    if (ownsReadOnly) {
      modeAction = "database.mode.read-only.kept";
      modeDetail = "read-only already set by db-sentinel";
      keyTime = ops.modeSetting().since().orElse(outageStart);
      renewLease(ops);
    } else if (dryRun.enabled() || ops.effectiveMode(Instant.now(clock)) == Mode.NORMAL) {
      String reason =
          "primary database unreachable (" + o.cause().wireValue() + ") since " + outageStart;
      Duration lease = config.response().modeLease();
      Optional<OpsState> written;
      if (dryRun.enabled()) {
        dryRunReadOnly = true;
        written = Optional.of(ops);
      } else {
        // Checked again against the ConfigMap as written: a person may have set a mode since.
        written =
            writer.setModeAsService(
                Mode.READ_ONLY, reason, ServiceNames.DB_SENTINEL, Optional.of(lease));
      }
      if (written.isPresent()) {
        if (!dryRun.enabled()) {
          keyTime = written.get().modeSetting().since().orElse(outageStart);
        }
        modeAction = "database.mode.read-only.set";
        modeDetail = reason + "; lease " + lease.toSeconds() + " s, renewed while the outage lasts";
        modeAuditDetails =
            Map.of("mode", Mode.READ_ONLY.wireValue(), "leaseSeconds", lease.toSeconds());
      } else {
        modeAction = "database.mode.left-unchanged";
        modeDetail = leftUnchanged(writer.read());
      }
    } else {
      modeAction = "database.mode.left-unchanged";
      modeDetail = leftUnchanged(ops);
    }
    OpenIncident incident =
        new OpenIncident(
            journal.incident(
                outageKey(keyTime),
                Severity.P0,
                "Primary database unreachable (" + o.cause().wireValue() + ")",
                evidence),
            detectedAt);
    step(incident, "database.unreachable", unreachable, details(evidence));
    step(incident, modeAction, modeDetail, modeAuditDetails);
    return incident;
  }

  private String outageKey(Instant time) {
    return journal.dedupKey("primary-unreachable", time);
  }

  /** The incident of an outage this replica did not see start, named by the mode's "since". */
  private OpenIncident takenOverOutage(Instant since) {
    return new OpenIncident(
        journal.incident(
            outageKey(since),
            Severity.P0,
            "Primary database unreachable",
            DatabaseLossEvidence.takenOver()),
        since);
  }

  private void failOver(Observation o) {
    if (!o.backupHealthy()) {
      if (!outage.failoverWithheldNoted) {
        outage.failoverWithheldNoted = true;
        String why =
            o.backup().map(b -> b.failureCause().wireValue() + ": " + b.detail()).orElse("");
        step(
            outage,
            "database.failover.withheld",
            "primary unreachable for "
                + o.unreachableFor().toSeconds()
                + " s but the backup is not healthy ("
                + why
                + "); staying on primary in read-only mode",
            Map.of());
      }
      return;
    }
    if (dryRun.enabled()) {
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
      if (dryRun.enabled()) {
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
      if (dryRun.enabled()) {
        dryRunReadOnly = false;
      } else {
        cleared = writer.clearMode(ServiceNames.DB_SENTINEL, "primary database healthy again");
      }
      if (cleared) {
        step(
            outage,
            "database.mode.normal",
            settled + "; cleared the read-only mode it had set",
            Map.of());
      }
    }
    if (outage == null && ownsReadOnly && !dryRun.enabled()) {
      // Taken over from a replica that set the mode: close the incident it opened.
      outage = takenOverOutage(ops.modeSetting().since().orElse(o.at()));
    }
    if (outage != null) {
      Instant now = Instant.now(clock);
      Duration toRecover = Duration.between(outage.detectedAt, now);
      metrics.recovered(toRecover);
      DatabaseLossEvidence evidence =
          ((DatabaseLossEvidence) outage.incident.evidence())
              .withRecoverySeconds(toRecover.toSeconds());
      resolve(
          outage.incident.withEvidence(evidence),
          settled,
          Map.of("recoverySeconds", toRecover.toSeconds()));
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
      outage = takenOverOutage(ops.modeSetting().since().orElse(o.at()));
    }
    if (!outage.failbackRefusedNoted) {
      outage.failbackRefusedNoted = true;
      step(
          outage,
          "database.failback.refused",
          why
              + ": switching back would discard them, so database.target stays backup and"
              + " read-only stays on. Carry the backup's changes over to the primary, then set"
              + " database.target=primary (db-sentinel then clears read-only and resolves this"
              + " incident)",
          Map.of("target", DatabaseTarget.BACKUP.wireValue()));
    }
  }

  private void renewLease(OpsState ops) {
    if (dryRun.enabled()) {
      return;
    }
    Duration lease = config.response().modeLease();
    Instant now = Instant.now(clock);
    Optional<Instant> expiresAt = ops.modeSetting().leaseExpiresAt();
    if (expiresAt.isEmpty()
        || Duration.between(now, expiresAt.get()).compareTo(lease.dividedBy(2)) < 0) {
      if (!writer.renewModeLease(ServiceNames.DB_SENTINEL, lease)) {
        LOG.info("read-only mode is no longer db-sentinel's; not renewing its lease");
      }
    }
  }

  private void handleCredentials(Observation o) {
    DbSentinelConfig.Response response = config.response();
    if (o.cause() == Cause.AUTHENTICATION
        && credentials == null
        && atLeast(o.causeFor(), response.detectionDelay())) {
      DatabaseLossEvidence evidence =
          DatabaseLossEvidence.credentialsRejected(
              o.cause().wireValue(), o.detail(), config.primary().username());
      credentials =
          new OpenIncident(
              journal.incident(
                  journal.dedupKey("credentials-rejected", o.causeSince()),
                  Severity.P1,
                  "Primary database rejects credentials",
                  evidence),
              Instant.now(clock));
      step(
          credentials,
          "database.credentials.rejected",
          "the server answers but refuses the login ("
              + o.detail()
              + "): verify DATABASE_URL, a rotated password and the role's permissions;"
              + " no read-only mode and no failover, the primary is up",
          details(evidence));
    } else if (credentials != null
        && o.primaryAnswering()
        && atLeast(o.answeringFor(), response.settlingTime())) {
      resolve(credentials.incident, "credentials accepted again", Map.of());
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
      DatabaseLossEvidence evidence = slotsEvidence(o, activity, saturation);
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
        connectionSlots =
            new OpenIncident(
                journal.incident(
                    journal.dedupKey("connection-slots", o.causeSince()),
                    severity,
                    "Database connection slots saturated",
                    evidence),
                Instant.now(clock));
        step(connectionSlots, "database.connections.saturated", detail, details(evidence));
      } else if (severity.compareTo(connectionSlots.incident.severity()) < 0) {
        connectionSlots.incident =
            connectionSlots
                .incident
                .escalatedTo(severity, "Database connection slots exhausted")
                .withEvidence(evidence);
        step(connectionSlots, "database.connections.escalated", detail, details(evidence));
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
        resolve(connectionSlots.incident, detail, Map.of());
        connectionSlots = null;
        slotsClearSince = null;
      }
    }
  }

  private static DatabaseLossEvidence slotsEvidence(
      Observation o, DatabaseActivity activity, double saturation) {
    Integer used = activity.connections().used();
    Integer max = activity.connections().max();
    return DatabaseLossEvidence.connectionSlots(
        o.cause().wireValue(),
        used == null ? -1 : used,
        max == null ? -1 : max,
        saturation,
        activity.connections().byState(),
        activity.topHolders().stream()
            .map(
                h ->
                    new DatabaseLossEvidence.ConnectionHolder(
                        h.user(), h.application(), h.clientAddress(), h.state(), h.connections()))
            .toList(),
        sessions(activity.idleInTransaction()),
        sessions(activity.longRunning()));
  }

  private static List<DatabaseLossEvidence.Session> sessions(List<SessionInfo> sessions) {
    return sessions.stream()
        .map(
            s ->
                new DatabaseLossEvidence.Session(
                    s.pid(), s.user(), s.application(), s.state(), s.durationSeconds()))
        .toList();
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
    return ops.modeSetting().mode() == Mode.READ_ONLY
        && ServiceNames.DB_SENTINEL.equals(ops.modeSetting().setBy());
  }

  private static boolean atLeast(Duration duration, Duration threshold) {
    return duration.compareTo(threshold) >= 0;
  }

  /**
   * One step: listed, and through the journal logged, audited and put on the incident's timeline
   * (only logged and audited when no incident is open, e.g. a new leader finding the target
   * switched).
   */
  private void step(OpenIncident open, String action, String detail, Map<String, Object> details) {
    list(action, detail, details);
    if (open == null && dryRun.enabled()) {
      journal.recordDryRun(action, detail, details);
    } else if (open == null) {
      journal.record(action, detail, details);
    } else if (dryRun.enabled()) {
      open.incident.dryRunStep(action, detail, details);
    } else {
      open.incident.step(action, detail, details);
    }
  }

  /**
   * Resolves the incident (in dry run too: the incident was opened for real, only its steps were
   * not taken) and lists it with {@code details}.
   */
  private void resolve(RunbookIncident incident, String detail, Map<String, Object> details) {
    list("incident.resolved", detail, details);
    incident.resolve(detail, details);
  }

  private void list(String action, String detail, Map<String, Object> details) {
    actions.addFirst(
        new SentinelAction(action, detail, details, dryRun.enabled(), Instant.now(clock)));
    while (actions.size() > KEPT_ACTIONS) {
      actions.pollLast();
    }
  }

  /** The evidence's fields, as they are sent, as a step's audit details. */
  private Map<String, Object> details(DatabaseLossEvidence evidence) {
    Map<String, Object> details = json.convertValue(evidence, DETAILS);
    details.remove("kind");
    return details;
  }
}
