package health.clinicalops.rollbackorchestrator.rollback.service;

import health.clinicalops.opskit.clients.AuditTrail;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.rollbackorchestrator.common.Actor;
import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import health.clinicalops.rollbackorchestrator.rollback.domain.Rollback;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Named pre-deploy backups of the app database (the restore source of a database rollback): limited
 * per hour for services, checked for disk room first, and kept by the retention rules.
 */
@ApplicationScoped
public class BackupService {

  private final AppDatabase database;
  private final DatabaseBackups backups;
  private final BackupFiles files;
  private final OrchestratorConfig.Backups settings;
  private final AuditTrail audit;
  private final Clock clock;

  BackupService(
      AppDatabase database,
      DatabaseBackups backups,
      BackupFiles files,
      OrchestratorConfig config,
      AuditTrail audit,
      Clock clock) {
    this.database = database;
    this.backups = backups;
    this.files = files;
    this.settings = config.databaseRollback().backups();
    this.audit = audit;
    this.clock = clock;
  }

  public BackupView take(@NotNull @Valid BackupRequest request, @NotNull Actor actor) {
    if (!database.isConfigured()) {
      throw ProblemException.conflict("the app database is not configured");
    }
    if (backups.backupExists(request.name())) {
      throw ProblemException.conflict("a backup named " + request.name() + " exists");
    }
    if (!actor.person()) {
      long lastHour = files.takenSince(Instant.now(clock).minus(Duration.ofHours(1)));
      if (lastHour >= settings.maxPerHourForServices()) {
        throw ProblemException.tooManyRequests(
            lastHour
                + " backups were taken in the last hour (backups.max-per-hour-for-services "
                + settings.maxPerHourForServices()
                + ")",
            Duration.ofMinutes(10));
      }
    }
    try {
      files.requireRoomFor(database.databaseSize());
      DatabaseBackups.Backup backup = backups.backup(request.name());
      audit.record(
          actor.name(),
          "database.backup-taken",
          Map.of("name", backup.name(), "path", backup.path().toString(), "size", backup.size()));
      applyRetention(actor);
      return new BackupView(
          backup.name(), backup.path().toString(), backup.size(), backup.rowCounts());
    } catch (DatabaseStepFailed e) {
      throw ProblemException.unavailable(e.getMessage(), Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ProblemException.unavailable("interrupted", Duration.ofSeconds(30));
    }
  }

  private void applyRetention(Actor actor) {
    Set<String> inUse = QuarkusTransaction.requiringNew().call(Rollback::backupsInUse);
    List<String> removed = files.prune(inUse);
    if (!removed.isEmpty()) {
      audit.record(
          actor.name(),
          "database.backups-removed",
          Map.of(
              "names", removed,
              "keep", settings.keep(),
              "maxAge", settings.maxAge().toString()));
    }
  }
}
