package health.clinicalops.auditkeeper.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/** Settings of audit-keeper (runbook "Audit Log Failure"); each can be set from the Helm values. */
@ConfigMapping(prefix = "clinicalops.audit-keeper")
public interface AuditKeeperConfig {

  /** The local spool that holds accepted events while the database cannot take them. */
  Spool spool();

  /** The write probe (runbook steps 1, 3 and 5). */
  Probe probe();

  /** Archiving and deleting old rows (runbook step 4). */
  Retention retention();

  /** Writing to and reading from "AuditLog". */
  Database database();

  interface Spool {
    /** Directory of the spool file; a PersistentVolume in Kubernetes. */
    @WithDefault("/var/lib/audit-keeper/spool")
    Path directory();

    /** How often the replayer tries to drain the spool into the database. */
    @WithDefault("1s")
    Duration replayInterval();

    /** How many spooled events one replay transaction writes. */
    @WithDefault("500")
    int replayBatchSize();

    /**
     * After this many failed replays in a row, the failure is logged as a WARN and added to the
     * spooling incident (and again each time its cause changes).
     */
    @WithDefault("3")
    int replayFailuresBeforeAlert();
  }

  interface Probe {
    /** How often the write probe runs (the runbook's step-1 test INSERT, rolled back). */
    @WithDefault("30s")
    Duration interval();

    /** The storage quota of the database (runbook step 3: Neon free tier 512 MB). */
    @WithDefault("512M")
    MemorySize databaseQuota();

    /** Share of the quota at which a warning is logged and shown. */
    @WithDefault("0.80")
    double warnRatio();

    /** Share of the quota at which a P2 incident is opened. */
    @WithDefault("0.90")
    double incidentRatio();
  }

  interface Retention {
    /** Rows whose timestamp is older than this are archived and then deleted (runbook: 90 days). */
    @WithDefault("90d")
    Duration maxAge();

    /** How often the scheduled archive runs; "off" disables it (the operator endpoint remains). */
    @WithDefault("6h")
    String every();

    /** Directory of the gzip CSV archives and their manifests; a PersistentVolume in Kubernetes. */
    @WithDefault("/var/lib/audit-keeper/archive")
    Path directory();

    /**
     * How long one archive statement (the COPY, the DELETE) may wait for the database. The
     * datasource's {@code socketTimeout} (15 s) and {@code database.write-timeout} are far too
     * short for deleting a million rows.
     */
    @WithDefault("30m")
    Duration statementTimeout();
  }

  interface Database {
    /** Rows per multi-row INSERT statement (6 parameters a row; PostgreSQL allows 65535). */
    @WithDefault("1000")
    int insertChunkSize();

    /**
     * How long one write to "AuditLog" may wait for the database before its events go to the spool
     * instead. A hung network path (no answer, no refusal) must not hold callers, who time out
     * after 2 s and retry, for the driver's {@code socketTimeout} (15 s): the write is spooled at
     * this bound, and the copies that the retries leave are stored once at replay.
     */
    @WithDefault("5s")
    Duration writeTimeout();

    /** Largest page size of GET /api/v1/audit-events. */
    @WithDefault("1000")
    int maxPageSize();
  }
}
