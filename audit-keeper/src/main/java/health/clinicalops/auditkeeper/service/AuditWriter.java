package health.clinicalops.auditkeeper.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.auditkeeper.config.AuditKeeperConfig;
import health.clinicalops.auditkeeper.domain.AuditRecord;
import health.clinicalops.auditkeeper.domain.ReceivedFrom;
import health.clinicalops.auditkeeper.domain.WriteReceipt;
import health.clinicalops.opskit.ServiceNames;
import health.clinicalops.opskit.clients.AuditEvent;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.AuditFailureEvidence;
import health.clinicalops.opskit.journal.RunbookIncident;
import health.clinicalops.opskit.journal.RunbookJournal;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.opskit.security.Roles;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * The one way into "AuditLog": commits a batch to the database (201), or when that fails fsyncs it
 * to the spool (202), and acknowledges nothing that is not durable. While the spool holds events,
 * new ones are appended behind them, so the table receives every event in the order it was
 * acknowledged. {@link #drain()} replays the spool; a spooling episode opens a P2 incident and
 * closes it, with the count of spooled events, when the spool is empty again.
 */
@ApplicationScoped
public class AuditWriter {

  private static final String SPOOLING_TITLE =
      "Audit Log Failure: audit events are being spooled (compliance risk)";
  private static final Logger LOG = Logger.getLogger(AuditWriter.class);
  private static final ReceivedFrom SELF =
      new ReceivedFrom(ServiceNames.AUDIT_KEEPER, Roles.SERVICE);

  private final AuditLogRepository repository;
  private final EventSpool spool;
  private final AuditQuarantine quarantine;
  private final SchemaMigrator migrator;
  private final AuditKeeperMetrics metrics;
  private final RunbookJournal journal;
  private final AuditKeeperConfig config;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock(true);

  /** When the current spooling episode started (epoch millis): its incident's key; null if none. */
  private Long episodeStart;

  private long episodeSpooled;
  private volatile String lastFailure = "";
  private volatile int replayFailuresInARow;
  private String lastReplayFailure = "";

  AuditWriter(
      AuditLogRepository repository,
      EventSpool spool,
      AuditQuarantine quarantine,
      SchemaMigrator migrator,
      AuditKeeperMetrics metrics,
      RunbookJournal journal,
      AuditKeeperConfig config,
      ObjectMapper mapper,
      Clock clock) {
    this.repository = repository;
    this.spool = spool;
    this.quarantine = quarantine;
    this.migrator = migrator;
    this.metrics = metrics;
    this.journal = journal;
    this.config = config;
    this.mapper = mapper;
    this.clock = clock;
  }

  void onStart(@Observes @Priority(10) StartupEvent start) {
    String cause = null;
    RunbookIncident episode = null;
    lock.lock();
    try {
      if (spool.droppedTailBytesAtStart() > 0) {
        LOG.warnf(
            "the spool ended in a torn record of %d bytes (never acknowledged); dropped",
            spool.droppedTailBytesAtStart());
      }
      if (!spool.isEmpty()) {
        episodeSpooled = spool.depth();
        cause = "events left in the spool at start-up: " + spool.depth();
        episode = startEpisode(cause);
      }
    } finally {
      lock.unlock();
    }
    if (episode != null) {
      spoolingStarted(episode, cause);
    }
  }

  /** Stores the events durably, in order; throws (503) only when neither store took them. */
  public WriteReceipt write(@NotNull @NotEmpty List<AuditRecord> events) {
    String spoolCause = null;
    RunbookIncident startedEpisode = null;
    WriteReceipt receipt = null;
    List<String> ids = events.stream().map(AuditRecord::id).toList();
    lock.lock();
    try {
      if (!spool.isEmpty()) {
        spoolCause = "earlier events are still in the spool";
      } else if (!migrator.isMigrated()) {
        spoolCause = "the audit schema is not migrated yet (database unreachable at start-up)";
      } else {
        try {
          metrics.written(repository.insert(events));
          receipt = new WriteReceipt(events.size(), WriteReceipt.DATABASE, ids);
        } catch (SQLException e) {
          if (SqlFailures.isCausedByTheRows(e)) {
            throw ProblemException.unprocessable(
                "the database refuses these events (" + describe(e) + "); nothing was stored");
          }
          spoolCause = describe(e);
          lastFailure = spoolCause;
          LOG.errorf(
              "AuditService Failed to log event (%s); spooling %d", spoolCause, events.size());
        } catch (RuntimeException e) {
          spoolCause = describe(e);
          lastFailure = spoolCause;
          LOG.errorf(
              "AuditService Failed to log event (%s); spooling %d", spoolCause, events.size());
        }
      }
      if (receipt == null) {
        try {
          spool.append(events);
        } catch (IOException e) {
          LOG.errorf(e, "the database and the spool both refused %d audit events", events.size());
          throw ProblemException.unavailable(
              "the audit log cannot store events now (database: "
                  + spoolCause
                  + "; spool: "
                  + e.getMessage()
                  + "); nothing was stored, retry",
              Duration.ofSeconds(5));
        }
        metrics.spooled(events.size());
        episodeSpooled += events.size();
        if (episodeStart == null) {
          startedEpisode = startEpisode(spoolCause);
        }
        receipt = new WriteReceipt(events.size(), WriteReceipt.SPOOL, ids);
      }
      metrics.accepted(events.size());
    } finally {
      lock.unlock();
    }
    // Outside the lock: the step's own audit event comes back through write() to the spool.
    if (startedEpisode != null) {
      spoolingStarted(startedEpisode, spoolCause);
    }
    return receipt;
  }

  /**
   * Replays the spool into the database in order until it is empty or the database fails; when
   * empty, closes the spooling episode. Safe to run again after any crash: ids already stored are
   * skipped. A record that the database refuses for good (or that does not read as an event) is
   * quarantined, with an incident, and the records behind it go on.
   */
  public void drain() {
    if (!migrator.ensureMigrated() || (spool.isEmpty() && currentEpisode() == null)) {
      return;
    }
    int batchSize = Math.max(1, config.spool().replayBatchSize());
    List<String> quarantinedIds = new ArrayList<>();
    String quarantineReason = null;
    try {
      while (true) {
        EventSpool.Batch batch = spool.next(batchSize);
        if (batch.isEmpty()) {
          replaySucceeded();
          finishEpisodeIfDrained();
          return;
        }
        for (EventSpool.Unreadable record : batch.unreadable()) {
          quarantineReason = "not an audit event: " + record.reason();
          quarantine.putUnreadable(record.payload(), quarantineReason);
          quarantinedIds.add("(unreadable record)");
        }
        try {
          repository.insert(batch.events());
        } catch (SQLException e) {
          if (!SqlFailures.isCausedByTheRows(e)) {
            throw e;
          }
          quarantineReason = storeEachOrQuarantine(batch.events(), quarantinedIds);
        }
        spool.replayed(batch);
        metrics.replayed(batch.size());
        replaySucceeded();
      }
    } catch (SQLException | RuntimeException e) {
      replayFailed(describe(e));
    } catch (IOException e) {
      LOG.errorf(e, "cannot read the spool %s or write the quarantine", spool.path());
      replayFailed("spool or quarantine file: " + e.getMessage());
    } finally {
      if (!quarantinedIds.isEmpty()) {
        reportQuarantined(quarantinedIds, quarantineReason);
      }
    }
  }

  /**
   * Stores the events one transaction each; an event the database refuses goes to the quarantine.
   * Returns the last refusal's reason. Throws on a failure that is not the event's own.
   */
  private String storeEachOrQuarantine(List<AuditRecord> events, List<String> quarantinedIds)
      throws SQLException, IOException {
    String reason = null;
    for (AuditRecord event : events) {
      try {
        repository.insert(List.of(event));
      } catch (SQLException e) {
        if (!SqlFailures.isCausedByTheRows(e)) {
          throw e;
        }
        reason = describe(e);
        quarantine.put(event, reason);
        quarantinedIds.add(event.id());
      }
    }
    return reason;
  }

  private void reportQuarantined(List<String> ids, String reason) {
    metrics.quarantined(ids.size());
    LOG.errorf(
        "%d spooled audit events can never be stored (%s); moved to the quarantine %s, the events"
            + " behind them go on: %s",
        ids.size(), reason, quarantine.path(), ids.subList(0, Math.min(20, ids.size())));
    Long episode = currentEpisode();
    journal
        .incident(
            journal.dedupKey("spooling", episode != null ? episode : "none", "quarantine"),
            Severity.P2,
            "Audit Log Failure: spooled audit events refused by the database were quarantined"
                + " (compliance risk)",
            AuditFailureEvidence.quarantined(
                quarantine.path().toString(), quarantine.count(), String.valueOf(reason), ids))
        .step(
            "audit-keeper.events.quarantined",
            ids.size()
                + " spooled events refused by the database ("
                + reason
                + ") were set aside in "
                + quarantine.path()
                + "; the spool goes on behind them. Read them with GET"
                + " /api/v1/audit/quarantine",
            Map.of("count", ids.size(), "reason", String.valueOf(reason)));
  }

  private void replaySucceeded() {
    replayFailuresInARow = 0;
    lastReplayFailure = "";
  }

  private void replayFailed(String cause) {
    metrics.replayFailed();
    lastFailure = cause;
    int inARow = ++replayFailuresInARow;
    boolean newCause = !cause.equals(lastReplayFailure);
    lastReplayFailure = cause;
    int alertAfter = Math.max(1, config.spool().replayFailuresBeforeAlert());
    if (inARow < alertAfter) {
      LOG.debugf("replay paused: %s", cause);
      return;
    }
    if (inARow == alertAfter || newCause || inARow % 60 == 0) {
      LOG.warnf(
          "replaying the spool into \"AuditLog\" failed %d times in a row (%s); %d events wait"
              + " in the spool",
          inARow, cause, spool.depth());
    }
    Long episode = currentEpisode();
    if (episode != null && (inARow == alertAfter || newCause)) {
      spoolingIncident(episode, AuditFailureEvidence.replayFailing(inARow, cause))
          .step(
              "audit-keeper.replay.failing",
              "replaying the spool into \"AuditLog\" failed "
                  + inARow
                  + " times in a row ("
                  + cause
                  + "); "
                  + spool.depth()
                  + " events wait in the spool");
    }
  }

  private Long currentEpisode() {
    lock.lock();
    try {
      return episodeStart;
    } finally {
      lock.unlock();
    }
  }

  private void finishEpisodeIfDrained() throws IOException {
    long replayed;
    long episode;
    lock.lock();
    try {
      if (!spool.clearIfDrained() || episodeStart == null) {
        return;
      }
      replayed = episodeSpooled;
      episode = episodeStart;
      episodeStart = null;
      episodeSpooled = 0;
    } finally {
      lock.unlock();
    }
    spoolingIncident(episode, AuditFailureEvidence.spoolDrained(replayed))
        .resolve(
            "audit writes succeed again; spool drained: "
                + replayed
                + " spooled events replayed into \"AuditLog\" in order, none lost",
            Map.of("replayedEvents", replayed));
  }

  /** Starts a spooling episode; the caller holds the lock and takes its first step after. */
  private RunbookIncident startEpisode(String cause) {
    episodeStart = clock.instant().toEpochMilli();
    return spoolingIncident(
        episodeStart, AuditFailureEvidence.spooling(cause, spool.path().toString(), spool.depth()));
  }

  private static void spoolingStarted(RunbookIncident episode, String cause) {
    episode.step(
        "audit-keeper.spooling.started",
        "audit writes fail ("
            + cause
            + "); events are fsync'd to the local spool and replayed in order when the"
            + " database takes writes again",
        Map.of("cause", cause));
  }

  private RunbookIncident spoolingIncident(long episodeStart, AuditFailureEvidence evidence) {
    return journal.incident(
        journal.dedupKey("spooling", episodeStart), Severity.P2, SPOOLING_TITLE, evidence);
  }

  /**
   * Writes one of audit-keeper's own audit events through the same path as everyone's (never over
   * HTTP to itself), keeping its id, actor, action, details and timestamp.
   */
  public void recordOwn(AuditEvent event) {
    try {
      write(
          List.of(
              new AuditRecord(
                  event.id(),
                  event.userId(),
                  event.action(),
                  mapper.writeValueAsString(withReceivedFromSelf(event.details())),
                  event.timestamp(),
                  event.ipAddress())));
    } catch (JsonProcessingException | RuntimeException e) {
      LOG.errorf(e, "cannot record audit-keeper's own action %s", event.action());
    }
  }

  private static Map<String, Object> withReceivedFromSelf(Map<String, Object> details) {
    Map<String, Object> own = new LinkedHashMap<>(details);
    own.put(AuditEventParser.RECEIVED_FROM, SELF);
    return own;
  }

  public boolean spooling() {
    return !spool.isEmpty();
  }

  public String lastFailure() {
    return lastFailure;
  }

  /** Replays that failed since the last one that succeeded. */
  public int replayFailuresInARow() {
    return replayFailuresInARow;
  }

  static String describe(Throwable e) {
    if (e instanceof SQLException sql && sql.getSQLState() != null) {
      return "SQLState " + sql.getSQLState() + ": " + firstLine(sql.getMessage());
    }
    return e.getClass().getSimpleName() + ": " + firstLine(String.valueOf(e.getMessage()));
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
