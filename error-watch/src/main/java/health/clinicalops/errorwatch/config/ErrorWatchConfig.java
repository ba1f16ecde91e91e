package health.clinicalops.errorwatch.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of error-watch; defaults are the runbook's values ("Error Rate Spike"). */
@ConfigMapping(prefix = "clinicalops.error-watch")
public interface ErrorWatchConfig {

  /** How log lines are bucketed in time. */
  Windows windows();

  /** The runbook's trigger (> 10% errors for 5 minutes) and its resolution. */
  Alert alert();

  /** Optional multi-window burn-rate alerting against an SLO budget. */
  BurnRate burnRate();

  /** The runbook's decision point: deployment, database or third party. */
  Decision decision();

  /** Where deployments are learned from. */
  Deploys deploys();

  /**
   * How much of what the log lines choose (endpoints, messages, roles, regions, releases) is kept:
   * an app that logs raw paths or free text makes every line a new key.
   */
  Limits limits();

  interface Windows {
    /** Width of one time bucket; windows are whole buckets. */
    @WithDefault("10s")
    Duration bucket();

    /** How long buckets are kept in memory (the longest window asked for). */
    @WithDefault("6h")
    Duration retention();

    /** Buckets are evaluated only once this much time has passed after their end (late lines). */
    @WithDefault("15s")
    Duration allowedLateness();

    /** How often the alert is evaluated. */
    @WithDefault("10s")
    Duration evaluationInterval();

    /**
     * Readiness is DOWN once this many evaluations in a row failed, or none succeeded for this many
     * evaluation intervals (a hung one): the runbook's trigger is not being watched.
     */
    @WithDefault("3")
    int unreadyAfterMissedEvaluations();
  }

  interface Alert {
    /** Error ratio above which the runbook's trigger counts (runbook: 10%). */
    @WithDefault("0.10")
    double threshold();

    /** How long the ratio must stay above the threshold before the alert fires (runbook: 5m). */
    @WithDefault("5m")
    Duration duration();

    /** The ratio at each evaluation is taken over this trailing window. */
    @WithDefault("1m")
    Duration ratioWindow();

    /** A firing alert resolves only when the ratio is below this (hysteresis). */
    @WithDefault("0.05")
    double resolveThreshold();

    /** ... for this long. */
    @WithDefault("5m")
    Duration resolveAfter();

    /** Fewer requests than this in the ratio window is no evidence either way. */
    @WithDefault("20")
    long minRequests();
  }

  interface BurnRate {
    /** Also fire when both windows of a pair burn the error budget fast enough. */
    @WithDefault("false")
    boolean enabled();

    /** The availability objective; the error budget is 1 - this. */
    @WithDefault("0.99")
    double sloTarget();

    /** Fast pair: long window. */
    @WithDefault("1h")
    Duration fastLongWindow();

    /** Fast pair: short window. */
    @WithDefault("5m")
    Duration fastShortWindow();

    /** Fast pair: burn-rate factor. */
    @WithDefault("14.4")
    double fastFactor();

    /** Slow pair: long window. */
    @WithDefault("6h")
    Duration slowLongWindow();

    /** Slow pair: short window. */
    @WithDefault("30m")
    Duration slowShortWindow();

    /** Slow pair: burn-rate factor. */
    @WithDefault("6")
    double slowFactor();
  }

  interface Decision {
    /** A spike starting within this time after a deploy suspects the deploy (runbook: 30 min). */
    @WithDefault("30m")
    Duration deployCorrelationWindow();

    /** {@code recommend} (rollback-orchestrator asks a person: dry run) or {@code auto}. */
    @WithDefault("recommend")
    RollbackMode rollbackMode();

    /** How many top fingerprints of the spike are weighed. */
    @WithDefault("3")
    int topFingerprints();

    /** Share of the top fingerprints' errors that must be new since the deploy. */
    @WithDefault("0.5")
    double newErrorShare();

    /**
     * Regular expressions naming external dependencies; matching errors mean third-party (a list:
     * separate several with commas; avoid backslashes, config lists treat them as escapes).
     */
    @WithDefault(
        "(?i)(?<![a-z])(stripe|twilio|sendgrid|mailgun|auth0|okta|openai|s3|cloudflare"
            + "|upstream|third[- ]party|external (api|service))(?![a-z])")
    List<String> thirdPartyPatterns();

    /** Share of the top fingerprints' errors that must name a third party. */
    @WithDefault("0.5")
    double thirdPartyShare();
  }

  interface Deploys {
    /** Learn deploys from Deployment rollouts in the cluster. */
    @WithDefault("true")
    boolean watch();

    /** Namespace of the watched Deployments; the client's namespace when absent. */
    Optional<String> namespace();

    /** Names of the Deployments of the clinical app to watch. */
    @WithDefault("clinical-app")
    List<String> watchedApps();
  }

  interface Limits {
    /**
     * Distinct endpoints, roles, regions and error fingerprints (each) kept per time bucket, and in
     * any window merged from buckets; the lines of the others are counted under {@code (other)}, so
     * totals and ratios stay exact.
     */
    @WithDefault("1000")
    int keysPerBucket();

    /**
     * Distinct endpoints, roles, regions and releases (each) kept per fingerprint; the rest under
     * {@code (other)}.
     */
    @WithDefault("100")
    int valuesPerFingerprint();

    /** {@code error.message} is cut to this many characters before it is fingerprinted. */
    @WithDefault("1000")
    int messageLength();

    /**
     * {@code context.endpoint}, {@code userRole}, {@code region} and {@code release} are cut to
     * this many characters.
     */
    @WithDefault("200")
    int fieldLength();

    /** The sample line kept per fingerprint is cut to this many characters. */
    @WithDefault("2000")
    int sampleLength();

    /**
     * Memory (estimated from key lengths) all buckets together may spend on those keys; past it,
     * new keys are counted under {@code (other)} until old buckets expire.
     */
    @WithDefault("64M")
    MemorySize windowMemory();

    /** Fingerprints whose first sighting is remembered (to tell errors new since a deploy). */
    @WithDefault("10000")
    int firstSeenFingerprints();
  }

  /** What rollback-orchestrator is asked to do with a suspect deployment. */
  enum RollbackMode {
    recommend,
    auto
  }
}
