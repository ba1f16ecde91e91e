package health.clinicalops.rollbackorchestrator.service;

import health.clinicalops.opskit.clients.AuditTrail;
import health.clinicalops.opskit.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Map;

/** Named pre-deploy backups of the app database (the restore source of a database rollback). */
@ApplicationScoped
public class BackupService {

  private final AppDatabase database;
  private final AuditTrail audit;

  BackupService(AppDatabase database, AuditTrail audit) {
    this.database = database;
    this.audit = audit;
  }

  public BackupView take(@NotNull @Valid BackupRequest request, @NotNull Actor actor) {
    if (!database.isConfigured()) {
      throw ProblemException.conflict("the app database is not configured");
    }
    if (database.backupExists(request.name())) {
      throw ProblemException.conflict("a backup named " + request.name() + " exists");
    }
    try {
      AppDatabase.Backup backup = database.backup(request.name());
      audit.record(
          actor.name(),
          "database.backup-taken",
          Map.of("name", backup.name(), "path", backup.path().toString(), "size", backup.size()));
      return new BackupView(
          backup.name(), backup.path().toString(), backup.size(), backup.rowCounts());
    } catch (AppDatabase.DatabaseStepFailed e) {
      throw ProblemException.unavailable(e.getMessage(), Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ProblemException.unavailable("interrupted", Duration.ofSeconds(30));
    }
  }
}
