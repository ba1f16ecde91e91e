package health.clinicalops.authguard.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of auth-guard. Every threshold of the runbooks "Authentication Abuse Detected" and "Rate
 * Limit Overwhelmed" is here with the runbook's value as its default.
 */
@ConfigMapping(prefix = "clinicalops.auth-guard")
public interface AuthGuardConfig {

  /**
   * Rate-limit policies by name (AUTH, WRITE, READ, ...). The runbook's AUTH 5/min and WRITE 30/min
   * are set in application.properties; more can be added as {@code
   * clinicalops.auth-guard.policies.<NAME>.limit} etc.
   */
  Map<String, Policy> policies();

  /**
   * Deprecated name of {@code clinicalops.dry-run} (ops-kit's {@code DryRun}), still honoured with
   * a warning at start-up. Declared only so that a deployment still setting it starts; read {@code
   * DryRun} instead.
   */
  @Deprecated(forRemoval = true)
  Optional<Boolean> shadowMode();

  /** Failed sign-in detection and response. */
  Abuse abuse();

  /** The "Rate Limit Overwhelmed" runbook. */
  Overwhelmed overwhelmed();

  /** The Redis connection used for the shared counters, and the fallback when it is lost. */
  Redis redis();

  /** Blocks: how fast a block made by one replica reaches the others. */
  Blocks blocks();

  /** One rate-limit policy: at most {@code limit} requests in any rolling {@code window}. */
  interface Policy {
    /** Requests allowed in any rolling window (the stated limit, never exceeded). */
    int limit();

    /** Length of the rolling window. */
    @WithDefault("1m")
    Duration window();

    /**
     * Burst allowance: how many of the window's requests may arrive within {@code burst-window}.
     * Absent means the whole limit may be used at once.
     */
    Optional<Integer> burst();

    /** The short window the burst allowance is measured over. */
    @WithDefault("1s")
    Duration burstWindow();

    /**
     * Tiers as variants of this policy (e.g. {@code paid}), asked for as {@code POLICY.tier} (e.g.
     * {@code WRITE.paid}); each has its own limit and optional burst, same window.
     */
    Map<String, Tier> tiers();
  }

  /** A tier (variant) of a policy. */
  interface Tier {
    /** Requests allowed in the policy's window for this tier. */
    int limit();

    /** Burst allowance of this tier; the policy's when absent. */
    Optional<Integer> burst();
  }

  /** Failed sign-ins: counting windows, the block rule, the classification thresholds. */
  interface Abuse {
    /** Sliding window for counting failures per IP, per account and globally (runbook: 5 min). */
    @WithDefault("5m")
    Duration window();

    /** More than this many failures from one IP within the window block it (runbook: 50). */
    @WithDefault("50")
    int maxFailuresPerIp();

    /** First block's time to live. */
    @WithDefault("15m")
    Duration blockTtl();

    /** Each earlier block of the same IP (within offence-memory) multiplies the TTL by this. */
    @WithDefault("2.0")
    double ttlGrowthFactor();

    /** The TTL never grows beyond this cap. */
    @WithDefault("24h")
    Duration maxBlockTtl();

    /** How far back earlier blocks of an IP count as offences for TTL growth. */
    @WithDefault("30d")
    Duration offenceMemory();

    /** CIDRs (e.g. clinic NATs) that are never blocked, IPv4 or IPv6. */
    @WithDefault("127.0.0.1/32")
    List<String> allowlist();

    /** Credential stuffing / spraying: distinct usernames failing from one IP in the window. */
    @WithDefault("20")
    int stuffingMinUsernames();

    /**
     * A password fingerprint is "common" when it failed against at least this many distinct
     * accounts in the window (the same password sprayed over many accounts).
     */
    @WithDefault("5")
    int commonPasswordMinAccounts();

    /** Brute force: distinct password fingerprints failing against one account in the window. */
    @WithDefault("20")
    int bruteForceMinPasswords();

    /** Brute force without fingerprints: failures against one account in the window. */
    @WithDefault("30")
    int bruteForceMinFailures();

    /** Distributed attack: distinct IPs failing against one account in the window. */
    @WithDefault("10")
    int distributedMinIps();

    /** Revoke a targeted account's sessions automatically (brute force, distributed attack). */
    @WithDefault("true")
    boolean revokeTargetedAccounts();

    /**
     * An attack with no failure for this long has ended: its record starts over, and a repeat on
     * the same account or from the same IP is reported (incident, revocation) again.
     */
    @WithDefault("1h")
    Duration attackExpiry();

    /**
     * At most this many automatic session revocations per {@code revocation-window}, across
     * replicas; beyond it the incident asks a person to revoke (an attacker who can make failures
     * look targeted must not sign out the whole clinic).
     */
    @WithDefault("10")
    @Positive
    int maxAutomaticRevocations();

    /** The window of {@code max-automatic-revocations}. */
    @WithDefault("1h")
    Duration revocationWindow();

    /** An attack record is written again at most this often while it goes on (evidence update). */
    @WithDefault("5s")
    Duration evidenceRefresh();

    /**
     * Attacks whose last evidence write this replica remembers (for evidence-refresh); the least
     * recently seen are forgotten, which only means their evidence is written again sooner.
     */
    @WithDefault("10000")
    int trackedAttacks();

    /**
     * IPv6 clients are counted and blocked per network of this prefix length (0-128): one
     * subscriber gets a /64 or more, so counting single IPv6 addresses lets one attacker rotate
     * through billions. IPv4 clients are counted per address.
     */
    @WithDefault("64")
    int ipv6PrefixLength();
  }

  /** "Rate Limit Overwhelmed": share of active clients that got 429 in a window. */
  interface Overwhelmed {
    /** The window over which active and limited clients are counted per policy. */
    @WithDefault("1m")
    Duration window();

    /** Share of active clients hitting 429 that opens the P3 incident (runbook: 90%). */
    @WithDefault("0.9")
    double limitedShare();

    /** Fewer active clients than this in a window are not judged. */
    @WithDefault("5")
    int minActiveClients();

    /**
     * Abuse vs legitimate spike: when the top {@code abuse-max-keys} limited keys received at least
     * {@code abuse-share} of all 429s, it is abuse (few keys); otherwise a legitimate spike.
     */
    @WithDefault("3")
    int abuseMaxKeys();

    /** See {@code abuse-max-keys}. */
    @WithDefault("0.8")
    double abuseShare();

    /** Temporary relief for a legitimate spike through the ops-state ConfigMap; off by default. */
    Relief relief();

    /** Temporary relief settings. */
    interface Relief {
      /** Whether auth-guard raises a policy's limit by itself for a legitimate spike. */
      @WithDefault("false")
      boolean enabled();

      /** The raised limit is the policy's limit times this (the runbook doubles 30 to 60). */
      @WithDefault("2.0")
      double factor();

      /** How long the relief lasts (the override's expiresAt). */
      @WithDefault("15m")
      Duration duration();

      /**
       * Policies never raised automatically: AUTH guards sign-in, where a higher limit only helps
       * whoever guesses passwords (the runbook pins it at 5 a minute).
       */
      @WithDefault("AUTH")
      List<String> excludedPolicies();

      /**
       * Relief only when at least this share of the limited clients were already active in the
       * window before the spike. Clients the app knew before are the app's users; keys that all
       * appear with the spike may be one attacker with many addresses, who must not be able to
       * raise a limit alone.
       */
      @WithDefault("0.5")
      double minReturningShare();
    }
  }

  /** Redis connection behaviour. */
  interface Redis {
    /** A Redis call slower than this counts as lost, and the decision falls back to this pod. */
    @WithDefault("250ms")
    Duration timeout();

    /**
     * While in fallback, Redis is probed this often; the shared limits return on success. At least
     * 1 s (the scheduler's resolution).
     */
    @WithDefault("1s")
    Duration probeInterval();
  }

  /** Block propagation. */
  interface Blocks {
    /** How often every replica reloads the active blocks from PostgreSQL (must be under 1 s). */
    @WithName("refresh-interval")
    @WithDefault("500ms")
    Duration refreshInterval();
  }
}
