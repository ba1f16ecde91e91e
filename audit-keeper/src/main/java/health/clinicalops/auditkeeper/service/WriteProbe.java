package health.clinicalops.auditkeeper.service;

import health.clinicalops.auditkeeper.config.AuditKeeperConfig;
import health.clinicalops.auditkeeper.domain.ProbeResult;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.AuditFailureEvidence;
import health.clinicalops.opskit.journal.RunbookIncident;
import health.clinicalops.opskit.journal.RunbookJournal;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Every {@code probe.interval}: the runbook's step-1 test INSERT in a transaction that is rolled
 * back (nothing is stored, no sequence number is used up), the INSERT/SELECT privileges on
 * "AuditLog" (a P2 incident that suggests the runbook's step-5 GRANT when one is missing), and
 * {@code pg_database_size} against the quota (warning at 80%, P2 incident at 90%).
 */
@ApplicationScoped
public class WriteProbe {

  /** The runbook's step 1, unchanged. */
  static final String RUNBOOK_TEST_WRITE =
      "INSERT INTO \"AuditLog\" (\"userId\", \"action\", \"details\", \"timestamp\","
          + " \"ipAddress\") VALUES ('test-id', 'test', '{}', NOW(), '127.0.0.1')";

  private static final String PERMISSION_TITLE =
      "Audit Log Failure: no write permission on \"AuditLog\" (compliance risk)";
  private static final String QUOTA_TITLE =
      "Audit Log Failure risk: database storage near its quota (compliance risk)";
  private static final Logger LOG = Logger.getLogger(WriteProbe.class);

  private final AgroalDataSource dataSource;
  private final AuditKeeperConfig config;
  private final AuditKeeperMetrics metrics;
  private final RunbookJournal journal;
  private final SchemaMigrator migrator;
  private final Clock clock;
  private volatile ProbeResult last;
  private boolean permissionIncidentOpen;
  private boolean quotaIncidentOpen;
  private boolean warnedRulesCanBeSwitchedOff;

  WriteProbe(
      AgroalDataSource dataSource,
      AuditKeeperConfig config,
      AuditKeeperMetrics metrics,
      RunbookJournal journal,
      SchemaMigrator migrator,
      Clock clock) {
    this.dataSource = dataSource;
    this.config = config;
    this.metrics = metrics;
    this.journal = journal;
    this.migrator = migrator;
    this.clock = clock;
  }

  @Scheduled(
      every = "${clinicalops.audit-keeper.probe.interval:30s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduled() {
    probe();
  }

  /** Runs the probe now and acts on its result. */
  public synchronized ProbeResult probe() {
    long quota = config.probe().databaseQuota().asLongValue();
    String writeError = null;
    String user = "";
    boolean canInsert = false;
    boolean canSelect = false;
    boolean canAlterRules = false;
    long size = -1;
    if (!migrator.ensureMigrated()) {
      writeError = "the audit schema is not migrated (database unreachable)";
    } else {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
          s.executeUpdate(RUNBOOK_TEST_WRITE);
        } catch (SQLException e) {
          writeError = AuditWriter.describe(e);
        } finally {
          AuditLogRepository.rollbackQuietly(c);
        }
        try (Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT current_user, has_table_privilege('\"AuditLog\"', 'INSERT'),"
                        + " has_table_privilege('\"AuditLog\"', 'SELECT'),"
                        + " pg_has_role((SELECT relowner FROM pg_class"
                        + " WHERE oid = '\"AuditLog\"'::regclass), 'MEMBER'),"
                        + " pg_database_size(current_database())")) {
          rs.next();
          user = rs.getString(1);
          canInsert = rs.getBoolean(2);
          canSelect = rs.getBoolean(3);
          canAlterRules = rs.getBoolean(4);
          size = rs.getLong(5);
        }
        c.rollback();
      } catch (SQLException e) {
        writeError = writeError == null ? AuditWriter.describe(e) : writeError;
      }
    }
    double ratio = quota > 0 && size >= 0 ? (double) size / quota : 0;
    ProbeResult result =
        new ProbeResult(
            clock.instant(),
            writeError == null,
            writeError,
            user,
            canInsert,
            canSelect,
            canAlterRules,
            size,
            quota,
            ratio);
    last = result;
    metrics.probe(result.writeOk(), result.at());
    if (size >= 0) {
      metrics.databaseSize(size, quota);
    }
    if (writeError != null) {
      LOG.warnf("audit write probe failed: %s", writeError);
    }
    if (!user.isEmpty()) {
      checkPermissions(result);
      checkQuota(result);
      warnOnceIfRulesCanBeSwitchedOff(result);
    }
    return result;
  }

  private void checkPermissions(ProbeResult r) {
    boolean denied =
        !r.canInsert()
            || !r.canSelect()
            || (r.writeError() != null && r.writeError().contains("42501"));
    if (denied && !permissionIncidentOpen) {
      permissionIncidentOpen = true;
      String grant =
          "GRANT INSERT, SELECT ON \"AuditLog\" TO " + quoteIdent(r.databaseUser()) + ";";
      permissionIncident(
              AuditFailureEvidence.permissionDenied(
                  r.databaseUser(),
                  r.canInsert(),
                  r.canSelect(),
                  Optional.ofNullable(r.writeError()).orElse(""),
                  grant))
          .step(
              "audit-keeper.permission.denied",
              "runbook step 5, for a person with the rights: " + grant);
    } else if (!denied && permissionIncidentOpen) {
      permissionIncidentOpen = false;
      permissionIncident(AuditFailureEvidence.permissionsRestored(r.databaseUser()))
          .resolve("the probe's test write and privileges on \"AuditLog\" are fine again");
    }
  }

  private RunbookIncident permissionIncident(AuditFailureEvidence evidence) {
    return journal.incident(
        journal.dedupKey("permissions"), Severity.P2, PERMISSION_TITLE, evidence);
  }

  private void warnOnceIfRulesCanBeSwitchedOff(ProbeResult r) {
    if (r.canAlterRules() && !warnedRulesCanBeSwitchedOff) {
      warnedRulesCanBeSwitchedOff = true;
      LOG.warnf(
          "the database user %s owns \"AuditLog\" (it is a member of its owning role) and could"
              + " switch the append-only rules off; run the migrations as a login of their own"
              + " (QUARKUS_FLYWAY_USERNAME, QUARKUS_FLYWAY_PASSWORD) and keep %s out of"
              + " audit_keeper_owner",
          r.databaseUser(), r.databaseUser());
    }
  }

  private void checkQuota(ProbeResult r) {
    double ratio = r.quotaRatio();
    RunbookIncident incident =
        journal.incident(
            journal.dedupKey("storage-quota"),
            Severity.P2,
            QUOTA_TITLE,
            AuditFailureEvidence.storageQuota(r.databaseSizeBytes(), r.quotaBytes(), ratio));
    if (ratio >= config.probe().warnRatio()) {
      LOG.warnf(
          "database size %d bytes is %.0f%% of the quota %d bytes",
          r.databaseSizeBytes(), ratio * 100, r.quotaBytes());
    }
    if (ratio >= config.probe().incidentRatio() && !quotaIncidentOpen) {
      quotaIncidentOpen = true;
      incident.step(
          "audit-keeper.quota.exceeded",
          String.format(
              "database at %.0f%% of its quota; archive old audit rows (POST"
                  + " /api/v1/archives, runbook step 4) or raise the quota",
              ratio * 100));
    } else if (ratio < config.probe().warnRatio() && quotaIncidentOpen) {
      quotaIncidentOpen = false;
      incident.resolve(String.format("database back at %.0f%% of its quota", ratio * 100));
    }
  }

  private static String quoteIdent(String name) {
    return name.matches("[a-z_][a-z0-9_]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
  }

  public Optional<ProbeResult> last() {
    return Optional.ofNullable(last);
  }
}
