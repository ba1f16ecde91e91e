package health.clinicalops.rollbackorchestrator.rollback.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.RollbackEvidence;
import health.clinicalops.opskit.journal.RunbookIncident;
import health.clinicalops.opskit.journal.RunbookJournal;
import health.clinicalops.opskit.opsstate.Mode;
import health.clinicalops.rollbackorchestrator.common.OrchestratorMetrics;
import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import health.clinicalops.rollbackorchestrator.maintenance.service.MaintenanceService;
import health.clinicalops.rollbackorchestrator.rollback.domain.Rollback;
import health.clinicalops.rollbackorchestrator.rollback.domain.RollbackKind;
import health.clinicalops.rollbackorchestrator.rollback.domain.RollbackStatus;
import health.clinicalops.rollbackorchestrator.rollback.domain.RollbackStep;
import health.clinicalops.rollbackorchestrator.rollback.domain.RollbackStepName;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;

/**
 * Carries out rollbacks as a state machine: each step runs, then its outcome and the next step are
 * committed before the next one starts. Running rollbacks heartbeat; one whose heartbeat is stale
 * (its process died) is taken over under {@code FOR UPDATE SKIP LOCKED} and resumed at its
 * persisted next step.
 */
@ApplicationScoped
public class RollbackRunner {

  private static final Logger LOG = Logger.getLogger(RollbackRunner.class);
  private static final TypeReference<Map<String, Long>> COUNTS = new TypeReference<>() {};

  private final ReleaseHistory history;
  private final DeploymentRollout rollout;
  private final AppDatabase database;
  private final DatabaseBackups backups;
  private final PointInTimeRestore pointInTimeRestore;
  private final BackupFiles backupFiles;
  private final MaintenanceService maintenance;
  private final RunbookJournal journal;
  private final OrchestratorConfig config;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final OrchestratorMetrics metrics;
  private final Set<Long> running = ConcurrentHashMap.newKeySet();
  private final ExecutorService executor =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "rollback-runner");
            t.setDaemon(true);
            return t;
          });

  RollbackRunner(
      ReleaseHistory history,
      DeploymentRollout rollout,
      AppDatabase database,
      DatabaseBackups backups,
      PointInTimeRestore pointInTimeRestore,
      BackupFiles backupFiles,
      MaintenanceService maintenance,
      RunbookJournal journal,
      OrchestratorConfig config,
      ObjectMapper mapper,
      Clock clock,
      OrchestratorMetrics metrics) {
    this.history = history;
    this.rollout = rollout;
    this.database = database;
    this.backups = backups;
    this.pointInTimeRestore = pointInTimeRestore;
    this.backupFiles = backupFiles;
    this.maintenance = maintenance;
    this.journal = journal;
    this.config = config;
    this.mapper = mapper;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Runs rollback {@code id} from its persisted next step, unless this process already runs it. */
  public void start(long id) {
    if (!running.add(id)) {
      return;
    }
    try {
      executor.submit(
          () -> {
            try {
              run(id);
            } catch (RuntimeException e) {
              LOG.errorf(
                  e, "rollback %d stopped unexpectedly; resumed when its heartbeat is stale", id);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } finally {
              running.remove(id);
            }
          });
    } catch (RejectedExecutionException e) {
      running.remove(id);
    }
  }

  /** The rollbacks this process is carrying out now. */
  public Set<Long> running() {
    return Set.copyOf(running);
  }

  void onStop(@Observes ShutdownEvent event) {
    executor.shutdownNow();
  }

  /** Heartbeats own rollbacks and takes over stale ones (their process died). */
  @Scheduled(
      every = "${clinicalops.rollback-orchestrator.database-rollback.supervision-interval:5s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      identity = "rollback-supervisor")
  void supervise() {
    try {
      Instant now = Instant.now(clock);
      List<Long> mine = List.copyOf(running);
      List<Long> resumed =
          QuarkusTransaction.requiringNew()
              .call(
                  () -> {
                    if (!mine.isEmpty()) {
                      Rollback.update("heartbeatAt = ?1 where id in ?2", now, mine);
                    }
                    List<Rollback> stale =
                        Rollback.lockStaleRunning(
                            now.minus(config.databaseRollback().staleAfter()), 10);
                    for (Rollback r : stale) {
                      r.heartbeatAt = now;
                      RollbackStep.of(
                              r.id,
                              String.valueOf(r.nextStep),
                              "resumed",
                              "taken over after the heartbeat went stale; resuming at "
                                  + r.nextStep,
                              now)
                          .persist();
                    }
                    return stale.stream().map(r -> r.id).toList();
                  });
      for (Long id : resumed) {
        LOG.infof("resuming rollback %d", id);
        start(id);
      }
    } catch (RuntimeException e) {
      LOG.warnf("rollback supervision failed, retried at the next tick: %s", e.getMessage());
    }
  }

  private record Snapshot(
      long id,
      String namespace,
      String deployment,
      RollbackKind kind,
      long toRevision,
      RollbackStepName step,
      String restoreBackup,
      Instant restorePointInTime,
      String rowCountsBefore,
      Long incidentId) {}

  private record Outcome(String detail, Map<String, Object> changes) {
    static Outcome of(String detail) {
      return new Outcome(detail, Map.of());
    }
  }

  /** A step that failed: the rollback stops here, reported. */
  private static class StepFailed extends Exception {
    StepFailed(String message) {
      super(message);
    }
  }

  private void run(long id) throws InterruptedException {
    while (true) {
      Snapshot s = QuarkusTransaction.requiringNew().call(() -> snapshot(id));
      if (s == null) {
        return;
      }
      if (s.step() == RollbackStepName.DONE) {
        finish(s);
        return;
      }
      Outcome outcome;
      try {
        outcome = execute(s);
      } catch (StepFailed | DeploymentRollout.RolloutFailed | DatabaseStepFailed e) {
        fail(s, e.getMessage());
        return;
      } catch (RuntimeException e) {
        fail(s, e.getClass().getSimpleName() + ": " + e.getMessage());
        return;
      }
      QuarkusTransaction.requiringNew().run(() -> advance(s, outcome));
      String action = "rollback." + s.step().name().toLowerCase();
      Map<String, Object> details = Map.of("rollbackId", id, "step", s.step().name());
      if (s.incidentId() != null) {
        incident(s, Severity.P2, "Rollback of " + s.deployment(), RollbackEvidence.of(s.id()))
            .step(action, outcome.detail(), details);
      } else {
        journal.record(action, outcome.detail(), details);
      }
    }
  }

  private Snapshot snapshot(long id) {
    Rollback r = Rollback.findById(id);
    if (r == null || r.status != RollbackStatus.RUNNING) {
      return null;
    }
    r.heartbeatAt = Instant.now(clock);
    return new Snapshot(
        r.id,
        r.namespace,
        r.deployment,
        r.kind,
        r.toRevision,
        r.nextStep,
        r.restoreBackup,
        r.restorePointInTime,
        r.rowCountsBefore,
        r.incidentId);
  }

  private Outcome execute(Snapshot s)
      throws StepFailed, DeploymentRollout.RolloutFailed, DatabaseStepFailed, InterruptedException {
    return switch (s.step()) {
      case MAINTENANCE_ON -> {
        // The BACKUP step needs room; find out before the app's traffic is stopped.
        backupFiles.requireRoomFor(database.databaseSize());
        maintenance.setOwnMode(
            Mode.MAINTENANCE, "database rollback " + s.id() + " of " + s.deployment());
        yield Outcome.of("mode maintenance: all app traffic gets 503");
      }
      case BACKUP -> {
        String name = "rollback_" + s.id() + "_" + Instant.now(clock).getEpochSecond() + ".dump";
        DatabaseBackups.Backup backup = backups.backup(name);
        Map<String, Object> changes = new HashMap<>();
        changes.put("backupPath", backup.path().toString());
        changes.put("backupSize", backup.size());
        changes.put("rowCountsBefore", toJson(backup.rowCounts()));
        yield new Outcome(
            "pg_dump of the current state: "
                + backup.path()
                + ", "
                + backup.size()
                + " bytes, row counts "
                + backup.rowCounts(),
            changes);
      }
      case RESTORE -> {
        if (config.databaseRollback().restoreMethod()
            == OrchestratorConfig.RestoreMethod.HTTP_HOOK) {
          yield Outcome.of(pointInTimeRestore.restore(s.restorePointInTime(), s.id()));
        }
        yield Outcome.of(backups.restoreFromBackup(s.restoreBackup()));
      }
      case DEPLOY -> {
        ReleaseHistory.History h =
            history
                .of(s.namespace(), s.deployment())
                .orElseThrow(() -> new StepFailed("Deployment " + s.deployment() + " is gone"));
        Release target =
            h.release(s.toRevision())
                .orElseThrow(
                    () -> new StepFailed("revision " + s.toRevision() + " is no longer there"));
        long generation = rollout.deploy(s.namespace(), s.deployment(), target, s.id());
        yield new Outcome(
            "pod template of revision "
                + target.revision()
                + " ("
                + String.join(", ", target.images())
                + ") applied, generation "
                + generation,
            Map.of("generation", generation));
      }
      case AWAIT_ROLLOUT -> {
        var d =
            history
                .of(s.namespace(), s.deployment())
                .orElseThrow(() -> new StepFailed("Deployment " + s.deployment() + " is gone"))
                .deployment();
        Long generation = d.getMetadata().getGeneration();
        yield Outcome.of(
            "rollout complete: "
                + rollout.awaitRollout(
                    s.namespace(), s.deployment(), generation == null ? 0 : generation));
      }
      case VERIFY_DATA -> verifyData(s);
      case MAINTENANCE_OFF -> {
        boolean cleared =
            maintenance.clearOwnMode("database rollback " + s.id() + " verified: writes resume");
        yield Outcome.of(
            cleared
                ? "mode normal: write traffic resumes"
                : "mode left alone: someone else has set it since");
      }
      case VERIFY_HEALTH -> Outcome.of(rollout.verifyHealth());
      case DONE -> Outcome.of("done");
    };
  }

  private Outcome verifyData(Snapshot s) throws StepFailed, DatabaseStepFailed {
    Map<String, Long> after = database.rowCounts();
    Map<String, Long> before = fromJson(s.rowCountsBefore());
    Map<String, Long> source =
        s.restoreBackup() == null ? Map.of() : backups.recordedCounts(s.restoreBackup());
    List<String> problems = new java.util.ArrayList<>();
    List<String> notes = new java.util.ArrayList<>();
    OrchestratorConfig.DatabaseRollback c = config.databaseRollback();
    boolean hookRestore = c.restoreMethod() == OrchestratorConfig.RestoreMethod.HTTP_HOOK;
    for (Map.Entry<String, Long> e : after.entrySet()) {
      String table = e.getKey();
      long count = e.getValue();
      if (count < 0) {
        problems.add("table \"" + table + "\" is missing");
        continue;
      }
      Long was = before.get(table);
      boolean preserved = c.preservedTables().contains(table) && was != null && was >= 0;
      if (preserved && !hookRestore) {
        // pg_restore left it as it was: it keeps every row it had, and those written since.
        if (count < was) {
          problems.add(
              "\"" + table + "\" lost " + (was - count) + " of " + was + " rows, none may be lost");
        }
        continue;
      }
      if (preserved && count < was) {
        notes.add(
            String.format(
                "the provider's restore rolled \"%s\" back too: its %d rows written since the"
                    + " point in time are in the BACKUP step's dump",
                table, was - count));
      }
      Long expected = source.get(table);
      if (expected != null && Math.abs(count - expected) > c.maxDifferenceFromSource()) {
        problems.add(
            "\"" + table + "\" has " + count + " rows, the restored backup had " + expected);
      }
      if (was != null && was > 0) {
        double loss = (double) (was - count) / was;
        if (loss > c.maxLossRatio()) {
          problems.add(
              String.format(
                  "\"%s\" lost %d of %d rows (%.1f%% > %.1f%%)",
                  table, was - count, was, loss * 100, c.maxLossRatio() * 100));
        }
      }
    }
    String summary =
        "row counts before "
            + before
            + ", after "
            + after
            + (source.isEmpty() ? "" : ", restored backup " + source)
            + (notes.isEmpty() ? "" : "; " + String.join("; ", notes));
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              Rollback r = Rollback.findById(s.id());
              r.rowCountsAfter = toJson(after);
            });
    if (!problems.isEmpty()) {
      throw new StepFailed("data integrity check failed: " + problems + "; " + summary);
    }
    return Outcome.of("data integrity verified: " + summary);
  }

  private void advance(Snapshot s, Outcome outcome) {
    Rollback r = Rollback.findById(s.id());
    Instant now = Instant.now(clock);
    RollbackStep.of(r.id, s.step().name(), "done", outcome.detail(), now).persist();
    if (outcome.changes().containsKey("backupPath")) {
      r.backupPath = (String) outcome.changes().get("backupPath");
      r.backupSize = (Long) outcome.changes().get("backupSize");
      r.rowCountsBefore = (String) outcome.changes().get("rowCountsBefore");
    }
    r.nextStep = s.step().next(r.kind);
    r.heartbeatAt = now;
    r.updatedAt = now;
  }

  private void finish(Snapshot s) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              Rollback r = Rollback.findById(s.id());
              Instant now = Instant.now(clock);
              r.status = RollbackStatus.SUCCEEDED;
              r.finishedAt = now;
              r.updatedAt = now;
              RollbackStep.of(r.id, "DONE", "succeeded", "rollback complete", now).persist();
            });
    metrics.rollbackSucceeded();
    String detail = "rollback " + s.id() + " to revision " + s.toRevision() + " succeeded";
    if (s.incidentId() != null) {
      incident(s, Severity.P2, "Rollback of " + s.deployment(), RollbackEvidence.succeeded(s.id()))
          .resolve(detail);
    } else {
      journal.record("rollback.succeeded", detail, Map.of("rollbackId", s.id()));
    }
  }

  private RunbookIncident incident(
      Snapshot s, Severity severity, String title, RollbackEvidence evidence) {
    return journal.incident(journal.dedupKey("rollback", s.id()), severity, title, evidence);
  }

  private void fail(Snapshot s, String message) {
    LOG.errorf("rollback %d failed at %s: %s", s.id(), s.step(), message);
    boolean maintenanceOn =
        s.kind() == RollbackKind.WITH_DATABASE
            && s.step().compareTo(RollbackStepName.MAINTENANCE_ON) > 0
            && s.step().compareTo(RollbackStepName.MAINTENANCE_OFF) <= 0;
    String detail =
        message
            + (maintenanceOn
                ? " — stopped with maintenance mode ON; writes stay off until a person decides"
                : "");
    metrics.rollbackFailed();
    Map<String, Object> details = Map.of("rollbackId", s.id(), "step", s.step().name());
    try {
      if (s.incidentId() != null) {
        incident(
                s,
                maintenanceOn ? Severity.P0 : Severity.P1,
                "Rollback of " + s.deployment() + " failed at " + s.step(),
                RollbackEvidence.failed(s.id(), s.step().name(), detail, maintenanceOn))
            .stepWarning("rollback.failed", detail, details);
      } else {
        journal.recordWarning("rollback.failed", detail, details);
      }
    } catch (RuntimeException e) {
      LOG.errorf(e, "rollback %d: the failure could not be added to its incident", s.id());
    }
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              Rollback r = Rollback.findById(s.id());
              Instant now = Instant.now(clock);
              r.status = RollbackStatus.FAILED;
              r.error = detail;
              r.finishedAt = now;
              r.updatedAt = now;
              RollbackStep.of(r.id, s.step().name(), "failed", detail, now).persist();
            });
  }

  private String toJson(Map<String, Long> counts) {
    try {
      return mapper.writeValueAsString(counts);
    } catch (JsonProcessingException e) {
      return "{}";
    }
  }

  private Map<String, Long> fromJson(String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return mapper.readValue(json, COUNTS);
    } catch (JsonProcessingException e) {
      return Map.of();
    }
  }
}
