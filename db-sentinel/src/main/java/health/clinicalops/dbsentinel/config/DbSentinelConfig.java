package health.clinicalops.dbsentinel.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of db-sentinel (runbook "Database Connectivity Loss"). Every threshold of the runbook is
 * a setting with the runbook's value as its default; all can be set from the Helm values.
 */
@ConfigMapping(prefix = "clinicalops.db-sentinel")
public interface DbSentinelConfig {

  /** The app's primary database, probed on db-sentinel's own connection (never the app's). */
  PrimaryDatabase primary();

  /** An optional backup database the app can be switched to; absent means no failover. */
  BackupDatabase backup();

  /** How and how often the database is probed. */
  Probe probe();

  /** When the sentinel acts. */
  Response response();

  /** Pool saturation from {@code pg_stat_activity}. */
  Saturation saturation();

  /** One writer among the replicas: a Kubernetes Lease. */
  Leader leader();

  /**
   * Deprecated name of {@code clinicalops.dry-run} (ops-kit's {@code DryRun}), still honoured with
   * a warning at start-up. Declared only so that a deployment still setting it starts; read {@code
   * DryRun} instead.
   */
  @Deprecated(forRemoval = true)
  Optional<Boolean> dryRun();

  /** Connection settings of the primary. */
  interface PrimaryDatabase {
    /** JDBC URL, e.g. {@code jdbc:postgresql://db:5432/app?sslmode=require}. */
    String jdbcUrl();

    /** Role the sentinel logs in as; it needs {@code pg_monitor} to see every session. */
    String username();

    /** Password of {@link #username()}. */
    String password();
  }

  /** Connection settings of the backup; failover is off unless {@link #jdbcUrl()} is set. */
  interface BackupDatabase {
    /** JDBC URL of the backup database. */
    Optional<String> jdbcUrl();

    /** Role on the backup; the primary's when absent. */
    Optional<String> username();

    /** Password on the backup; the primary's when absent. */
    Optional<String> password();
  }

  /** Probing. */
  interface Probe {
    /** Time between two probes. */
    @WithDefault("5s")
    Duration interval();

    /** Timeout of {@code SELECT 1} (and of connecting): a slower answer counts as a failure. */
    @WithDefault("1s")
    Duration timeout();

    /** A {@code SELECT 1} slower than this (but within the timeout) makes the state degraded. */
    @WithDefault("500ms")
    Duration slowLatency();

    /** The probe connection is replaced after this age, so rotated credentials are noticed. */
    @WithDefault("5m")
    Duration connectionMaxAge();

    /** A query running longer than this is reported as long-running. */
    @WithDefault("30s")
    Duration longRunningQuery();

    /** A session idle in a transaction longer than this is reported. */
    @WithDefault("30s")
    Duration idleInTransaction();

    /** How many top connection holders are listed (status activity and incidents). */
    @WithDefault("5")
    int topHolders();
  }

  /** The runbook's response steps. */
  interface Response {
    /**
     * The primary must be unreachable this long before mode=read-only is set and a P0 incident is
     * opened: a single lost probe is not an outage.
     */
    @WithDefault("10s")
    Duration detectionDelay();

    /**
     * The primary must be unreachable this long before the app is switched to a healthy backup;
     * longer than a Patroni ttl (30 s) + loop_wait (10 s), so we never race its own failover.
     */
    @WithDefault("40s")
    Duration failoverDelay();

    /** The primary must answer this long before switching back and clearing read-only mode. */
    @WithDefault("30s")
    Duration settlingTime();

    /**
     * Lease of the read-only mode the sentinel sets; renewed while the outage lasts, so the mode
     * falls back to normal by itself if every sentinel replica dies.
     */
    @WithDefault("60s")
    Duration modeLease();
  }

  /** Saturation of the database's connection slots. */
  interface Saturation {
    /** Used connections over usable ones above this ratio → degraded and a P2 incident. */
    @WithDefault("0.9")
    double threshold();

    /** At or above this ratio (no free slot left) the incident is P1. */
    @WithDefault("1.0")
    double criticalThreshold();

    /**
     * Connection slots not usable by the app, subtracted from {@code max_connections}; the server's
     * {@code superuser_reserved_connections} when absent.
     */
    Optional<Integer> reservedSlots();
  }

  /** Leader election among replicas. */
  interface Leader {
    /** Whether to elect a leader; off only for a single replica without cluster API access. */
    @WithDefault("true")
    boolean enabled();

    /** Name of the coordination.k8s.io/v1 Lease in the ops-state namespace. */
    @WithDefault("db-sentinel-leader")
    String leaseName();

    /** How long a held Lease stays valid without renewal; a follower takes over after it. */
    @WithDefault("15s")
    Duration leaseDuration();

    /** This replica's identity in the Lease; the pod name (HOSTNAME) when absent. */
    @WithName("identity")
    Optional<String> identity();
  }
}
