package health.clinicalops.rollbackorchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of rollback-orchestrator (prefix {@code clinicalops.rollback-orchestrator}). Defaults
 * are the runbooks' values ("Emergency Escalation", "Rollback Deployment"); each can be set from
 * Helm.
 */
@ConfigMapping(prefix = "clinicalops.rollback-orchestrator")
public interface OrchestratorConfig {

  /** Escalation of incidents to people. */
  Escalation escalation();

  /** Rollbacks of Deployments through the cluster API. */
  Rollback rollback();

  /** The database procedure ("Rollback with Database"). */
  DatabaseRollback databaseRollback();

  /** Maintenance mode (the ops-state ConfigMap's {@code mode}). */
  Maintenance maintenance();

  /** The public status page, its feeds and the subscriber notices ("Communicate"). */
  StatusPage statusPage();

  /** Escalation policy per severity and the contacts' webhooks. */
  interface Escalation {

    /** P0 (critical): "Escalate to CTO immediately". */
    @WithDefault("cto")
    List<String> p0Levels();

    /** How long a P0 page may stay unacknowledged before the next level (or a re-page). */
    @WithDefault("15m")
    Duration p0AckDeadline();

    /** P1 (high): "Notify security team within 15 min"; unacknowledged, the CTO is next. */
    @WithDefault("security-team,cto")
    List<String> p1Levels();

    /** The runbook's "within 15 min": a P1 unacknowledged after it goes to the next level. */
    @WithDefault("15m")
    Duration p1AckDeadline();

    /** P2 (medium): the on-call engineer, then the CTO. */
    @WithDefault("on-call-engineer,cto")
    List<String> p2Levels();

    /** Acknowledgement deadline of a P2 page. */
    @WithDefault("30m")
    Duration p2AckDeadline();

    /** P3 (low): the product team (owner of "Rate Limit Overwhelmed"). */
    @WithDefault("product-team")
    List<String> p3Levels();

    /** Acknowledgement deadline of a P3 page. */
    @WithDefault("4h")
    Duration p3AckDeadline();

    /**
     * "Data breach suspected → follow data breach protocol": contacts paged at once, in addition to
     * the severity's levels, when a report's evidence carries {@code suspectedDataBreach: true}.
     */
    @WithDefault("breach-contacts")
    List<String> breachContacts();

    /**
     * How many times the last level is paged again after its deadline passes unacknowledged (0: the
     * last level is paged once).
     */
    @WithDefault("3")
    int maxRepages();

    /**
     * The contacts by name ({@code contacts.<name>.webhook-url}, {@code .format}). A contact
     * without a webhook gets its pages marked failed and logged.
     */
    Map<String, Contact> contacts();

    /** How often the persisted escalation timers are polled. */
    @WithDefault("1s")
    Duration pollInterval();

    /** Webhook delivery: attempts before a page is marked failed. */
    @WithDefault("8")
    int maxAttempts();

    /** Webhook delivery: the first retry's delay, doubled on every further attempt. */
    @WithDefault("2s")
    Duration initialBackoff();

    /** Webhook delivery: the longest delay between attempts. */
    @WithDefault("5m")
    Duration maxBackoff();

    /** Timeout of one webhook call. */
    @WithDefault("5s")
    Duration webhookTimeout();
  }

  /** Where a contact is paged. */
  interface Contact {
    /** The webhook URL (Slack incoming webhook, PagerDuty/Opsgenie bridge, ...). */
    Optional<String> webhookUrl();

    /** {@code slack} ({@code {"text": ...}}) or {@code generic} (all incident fields). */
    @WithDefault("generic")
    String format();
  }

  /** Code-only rollbacks and the guardrails of every rollback. */
  interface Rollback {

    /** Namespace of the Deployments; the client's (the pod's) when absent. */
    Optional<String> namespace();

    /**
     * The Deployments a rollback may patch, by name: the app's (the chart renders {@code
     * app.deployments}). {@code *} allows any Deployment, for local runs and tests. When absent,
     * every rollback is refused. The ops services themselves are never a target.
     */
    Optional<List<String>> targets();

    /**
     * {@code recommend}: a rollback asked for by a service waits for a person's approval; {@code
     * auto}: it runs at once. Rollbacks asked for by operators always run.
     */
    @WithDefault("recommend")
    RollbackMode mode();

    /** A second rollback of the same Deployment within this time is refused (409). */
    @WithDefault("10m")
    Duration cooldown();

    /** At most this many automatic rollbacks (asked for by services) per hour, all Deployments. */
    @WithDefault("3")
    int maxAutomaticPerHour();

    /** How long the rollout may take before the rollback is reported failed. */
    @WithDefault("10m")
    Duration progressDeadline();

    /** How often the rollout's status is checked. */
    @WithDefault("1s")
    Duration rolloutPollInterval();

    /**
     * The app's health URL checked after the rollout (the runbook's "curl .../api/health"); the
     * check is skipped, and says so in the steps, when absent.
     */
    Optional<String> healthUrl();

    /**
     * The database's schema version, compared with the target ReplicaSet's {@code
     * clinical-ops/schema-version} annotation. When absent, {@link #schemaVersionQuery()} is run on
     * the app database; when that is absent too, the current (bad) release's annotation is taken as
     * the database's version (it migrated the database when it was deployed).
     */
    Optional<String> databaseSchemaVersion();

    /**
     * SQL returning the database's schema version in the first column of the first row, e.g. {@code
     * SELECT migration_name FROM _prisma_migrations ORDER BY finished_at DESC LIMIT 1}.
     */
    Optional<String> schemaVersionQuery();
  }

  /** "Rollback with Database", the runbook's 30-minute procedure. */
  interface DatabaseRollback {

    /** JDBC URL of the app's database (backed up, restored, counted). */
    Optional<String> jdbcUrl();

    /** User for pg_dump/pg_restore and the counts. */
    Optional<String> username();

    /** Password for pg_dump/pg_restore (given to them as PGPASSWORD) and the counts. */
    Optional<String> password();

    /** Directory holding pg_dump and pg_restore; the PATH when absent. */
    Optional<String> binDirectory();

    /** Where backups are written (keep it on a persistent volume). */
    @WithDefault("/var/lib/rollback-orchestrator/backups")
    String backupDirectory();

    /** {@code pg-restore}: restore a named pre-deploy backup; {@code http-hook}: provider PITR. */
    @WithDefault("pg-restore")
    RestoreMethod restoreMethod();

    /**
     * The provider's point-in-time-restore hook (e.g. a small adapter to Neon's API), called with
     * {@code POST {database, pointInTime, rollbackId}}; a 2xx answer means the restore is done.
     */
    Optional<String> restoreHookUrl();

    /** Time allowed to pg_dump, pg_restore or the restore hook. */
    @WithDefault("15m")
    Duration commandTimeout();

    /** The runbook's step 5 tables whose row counts are verified. */
    @WithDefault("User,ClinicalNote,AuditLog")
    List<String> verifiedTables();

    /**
     * Tables (in schema public) a pg_restore leaves as they are, with their indexes, triggers and
     * sequences: the audit trail is append-only, and rolling it back would lose the events written
     * since the backup, the rollback's own among them. Verification requires them to have lost no
     * row at all.
     */
    @WithDefault("AuditLog")
    List<String> preservedTables();

    /**
     * Schemas a pg_restore leaves as they are: audit-keeper's hash chain and its triggers, and the
     * ops services' own state, should it share the app's database (the running rollback's own row
     * among it). Those that do not exist in the app database are ignored.
     */
    @WithDefault("audit_keeper,auth_guard,error_watch,rollback_orchestrator")
    List<String> preservedSchemas();

    /**
     * Verification: the largest share of a table's rows the restore may remove compared with the
     * backup of the state before it (rows written after the restore point are lost by design).
     */
    @WithDefault("0.10")
    double maxLossRatio();

    /**
     * Verification when the restored backup recorded its own counts: the largest allowed
     * difference, in rows, between those counts and the restored database's.
     */
    @WithDefault("0")
    long maxDifferenceFromSource();

    /** A running procedure whose heartbeat is older than this is taken over and resumed. */
    @WithDefault("1m")
    Duration staleAfter();

    /** How often running procedures heartbeat and stale ones are looked for. */
    @WithDefault("5s")
    Duration supervisionInterval();

    /** Limits of this service's own SQL on the app database (counts, schema version, restore). */
    Timeouts timeouts();

    /** How many backups, how old, and the disk room they need. */
    Backups backups();
  }

  /** Backups in {@code backup-directory}: rate, retention and room. */
  interface Backups {
    /**
     * A service (the deploy pipeline) may have at most this many backups taken in an hour; beyond
     * it, 429. People are not limited.
     */
    @WithDefault("6")
    int maxPerHourForServices();

    /** Retention: at most this many dumps are kept, the newest (at least one always is). */
    @WithDefault("20")
    int keep();

    /** Retention: dumps older than this are removed. */
    @WithDefault("30d")
    Duration maxAge();

    /**
     * Room left on the backup volume beyond the size of the database, checked before a backup is
     * taken and before a database rollback stops writes.
     */
    @WithDefault("104857600")
    long minFreeSpaceBytes();
  }

  /**
   * So that a hung app database (a lost network path, a stopped server) fails a step instead of
   * holding a runner thread forever. pg_dump and pg_restore are bounded by {@code command-timeout}.
   * Given to the JDBC driver in whole seconds, rounded up.
   */
  interface Timeouts {
    /** Time to open the TCP connection. */
    @WithDefault("10s")
    Duration connect();

    /** Time to open and authenticate a connection, TCP and TLS included. */
    @WithDefault("15s")
    Duration login();

    /** Server-side limit on each statement ({@code statement_timeout}). */
    @WithDefault("30s")
    Duration statement();

    /**
     * Longest wait for any answer from the server; longer than {@code statement}, so that a slow
     * query is cancelled by the server first and this only ends a server that answers nothing.
     */
    @WithDefault("45s")
    Duration socket();
  }

  /** Maintenance mode requests. */
  interface Maintenance {
    /** Longest lease a service may ask for. */
    @WithDefault("2h")
    Duration maxServiceLease();

    /** How often expired leases are written back to normal. */
    @WithDefault("1s")
    Duration leaseSweepInterval();
  }

  /** The public status page at {@code /status} ("Update status page"). */
  interface StatusPage {

    /** The page's title (the clinical app's public name). */
    @WithDefault("Clinical OS")
    String name();

    /** Id of the page in {@code /api/v2/*.json} ({@code page.id}). */
    @WithDefault("clinical-ops")
    String pageId();

    /**
     * The page's public base URL, used in emails, the Atom feed and {@code page.url} (e.g. {@code
     * https://status.example.org}); the links are {@code <public-url>/status/...}.
     */
    @WithDefault("http://localhost:8080")
    String publicUrl();

    /**
     * The components shown, by id ({@code components.<id>.name}, {@code .runbooks}, {@code
     * .position}, {@code .description}). When none is set: sign-in, clinical notes and audit trail,
     * each affected by the runbooks that touch it.
     */
    Map<String, StatusComponent> components();

    /**
     * The public status is built once per change; a change written by another replica shows within
     * this time.
     */
    @WithDefault("5s")
    Duration cacheTtl();

    /** How many days of resolved incidents the page, the feed and the JSON list. */
    @WithDefault("90")
    int historyDays();

    /** The page reloads itself this often ({@code <meta http-equiv="refresh">}, no JavaScript). */
    @WithDefault("60")
    int refreshSeconds();

    /**
     * The ops-state mode {@code read-only} shows every component as {@code partial_outage} (saving
     * fails, reading works); {@code degraded_performance} when false.
     */
    @WithDefault("true")
    boolean readOnlyIsPartialOutage();

    /** Email notices to subscribers. */
    Notices notices();

    /** The public subscribe form's limits and the lifetime of an unconfirmed subscription. */
    Subscriptions subscriptions();
  }

  /**
   * The subscribe form is public: these bound what anyone can make us store and send. A request
   * beyond a limit is answered 429 with {@code Retry-After}; nothing is stored and nothing sent.
   */
  interface Subscriptions {
    /**
     * Subscribe requests one client may make in an hour (the connection's remote address; an IPv6
     * client counts as its network, see {@link #ipv6PrefixLength()}).
     */
    @WithDefault("5")
    int maxPerIpPerHour();

    /** Subscribe requests all clients together may make in an hour. */
    @WithDefault("1000")
    int maxPerHour();

    /** Subscriptions that may wait for confirmation at once; a new address beyond it is refused. */
    @WithDefault("10000")
    int maxUnconfirmed();

    /** A subscription not confirmed within this time is deleted; its link stops working. */
    @WithDefault("24h")
    Duration confirmWithin();

    /** How often expired unconfirmed subscriptions and old request records are deleted. */
    @WithDefault("5m")
    Duration purgeInterval();

    /**
     * IPv6 clients are counted per network of this prefix length (0-128): one household or office
     * gets a /64 or more, and counting single addresses would let one client rotate through them.
     */
    @WithDefault("64")
    @Min(0)
    @Max(128)
    int ipv6PrefixLength();
  }

  /** One component of the status page. */
  interface StatusComponent {
    /** The name visitors read. */
    String name();

    /** A short public description. */
    Optional<String> description();

    /** The runbooks whose open incidents affect this component. */
    List<String> runbooks();

    /** Order on the page (smallest first). */
    @WithDefault("100")
    int position();
  }

  /** "Email affected users if >15 min outage": one email when it lasts, one when it is over. */
  interface Notices {
    /**
     * An outage (a component in partial or major outage) or maintenance lasting longer than this
     * sends one email to every confirmed subscriber; its end sends one more.
     */
    @WithDefault("15m")
    Duration after();

    /** How often the disruption is checked and pending emails are sent. */
    @WithDefault("5s")
    Duration pollInterval();

    /** Sending: attempts before an email is given up (logged, counted). */
    @WithDefault("10")
    int maxAttempts();

    /** Sending: first retry delay, doubled on every further attempt. */
    @WithDefault("10s")
    Duration initialBackoff();

    /** Sending: longest delay between attempts. */
    @WithDefault("15m")
    Duration maxBackoff();

    /** Time one SMTP send may take. */
    @WithDefault("30s")
    Duration sendTimeout();
  }

  /** Whether a rollback a service asks for waits for a person ({@code recommend}) or runs. */
  enum RollbackMode {
    recommend,
    auto
  }

  /** How a database rollback restores: written {@code pg-restore} or {@code http-hook}. */
  enum RestoreMethod {
    PG_RESTORE,
    HTTP_HOOK
  }
}
