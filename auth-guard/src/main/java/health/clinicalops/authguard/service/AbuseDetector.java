package health.clinicalops.authguard.service;

import health.clinicalops.authguard.config.AuthGuardConfig;
import health.clinicalops.authguard.domain.Attack;
import health.clinicalops.authguard.domain.AttackClass;
import health.clinicalops.authguard.domain.IpBlock;
import health.clinicalops.authguard.repository.AttackRepository;
import health.clinicalops.authguard.store.FailureCounts;
import health.clinicalops.authguard.store.FailureKeys;
import health.clinicalops.authguard.store.ResilientWindowStore;
import health.clinicalops.opskit.clients.AuditTrail;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.IncidentReporter;
import health.clinicalops.opskit.evidence.Runbooks;
import health.clinicalops.opskit.clients.Severity;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The runbook's steps 1 to 5 for one failed sign-in, given its counts: block the source above the
 * threshold (step 3), classify the pattern with its evidence (step 4), revoke a targeted account's
 * sessions (step 5), and report (step 6: P1 incident, audit).
 */
@ApplicationScoped
public class AbuseDetector {

  private static final Logger LOG = Logger.getLogger(AbuseDetector.class);
  private static final String SOURCE = "auth-guard";
  private static final int SAMPLE = 20;

  private final AuthGuardConfig config;
  private final BlockListService blocks;
  private final AttackRepository attacks;
  private final ResilientWindowStore store;
  private final SessionRevocationService revocations;
  private final IncidentReporter incidents;
  private final AuditTrail audit;
  private final AuthGuardMetrics metrics;
  private final Clock clock;

  private final EvidenceWrites evidenceWrites;

  AbuseDetector(
      AuthGuardConfig config,
      BlockListService blocks,
      AttackRepository attacks,
      ResilientWindowStore store,
      SessionRevocationService revocations,
      IncidentReporter incidents,
      AuditTrail audit,
      AuthGuardMetrics metrics,
      Clock clock) {
    this.config = config;
    this.evidenceWrites = new EvidenceWrites(config.abuse().trackedAttacks());
    this.blocks = blocks;
    this.attacks = attacks;
    this.store = store;
    this.revocations = revocations;
    this.incidents = incidents;
    this.audit = audit;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** What was done for one failure. */
  public record Response(Optional<IpBlock> block, List<String> attacks) {}

  /** One recognised pattern before it is recorded. */
  record Finding(
      AttackClass attackClass,
      String subject,
      long failures,
      Map<String, Object> evidence,
      String sampleName,
      String sampleKey) {
    String dedupKey() {
      return "auth-guard:authentication-abuse:" + attackClass.wireValue() + ":" + subject;
    }
  }

  public Response assess(
      InetAddress address, String username, FailureKeys keys, FailureCounts counts) {
    AuthGuardConfig.Abuse abuse = config.abuse();
    String ip = blocks.clientKey(address);
    Optional<IpBlock> block = Optional.empty();
    if (counts.ipFailures() > abuse.maxFailuresPerIp()) {
      Map<String, Object> evidence = new LinkedHashMap<>();
      evidence.put("failures", counts.ipFailures());
      evidence.put("window", abuse.window().toString());
      evidence.put("threshold", abuse.maxFailuresPerIp());
      evidence.put("distinctUsernames", counts.ipUsernames());
      evidence.put("distinctPasswords", counts.ipFingerprints());
      block =
          blocks.blockAutomatically(
              address,
              "more than "
                  + abuse.maxFailuresPerIp()
                  + " failed sign-ins in "
                  + abuse.window()
                  + " ("
                  + counts.ipFailures()
                  + ")",
              evidence);
    }
    List<String> recognised = new ArrayList<>();
    for (Finding finding : classify(ip, username, keys, counts)) {
      record(finding, address);
      recognised.add(finding.attackClass().wireValue() + ":" + finding.subject());
    }
    return new Response(block, recognised);
  }

  /** The runbook's step 4 on the current counts; a normal stream yields nothing. */
  List<Finding> classify(String ip, String username, FailureKeys keys, FailureCounts c) {
    AuthGuardConfig.Abuse abuse = config.abuse();
    List<Finding> findings = new ArrayList<>();
    if (c.ipUsernames() >= abuse.stuffingMinUsernames()) {
      Map<String, Object> e = new LinkedHashMap<>();
      // The same few passwords over many accounts is spraying; one password per account, leaked
      // pairs, is stuffing.
      boolean spraying =
          c.ipCommonPasswordFailures() * 2 >= c.ipFailures()
              || (c.ipFingerprints() > 0 && c.ipFingerprints() * 4 <= c.ipUsernames());
      e.put("variant", spraying ? "password-spraying" : "credential-stuffing");
      e.put("ip", ip);
      e.put("failures", c.ipFailures());
      e.put("distinctUsernames", c.ipUsernames());
      e.put("distinctPasswords", c.ipFingerprints());
      e.put("commonPasswordFailures", c.ipCommonPasswordFailures());
      findings.add(
          new Finding(
              AttackClass.CREDENTIAL_STUFFING,
              ip,
              c.ipFailures(),
              e,
              "sampleUsernames",
              keys.ipUsernames()));
    }
    if (c.accountIps() >= abuse.distributedMinIps()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("username", username);
      e.put("failures", c.accountFailures());
      e.put("distinctIps", c.accountIps());
      e.put("distinctPasswords", c.accountFingerprints());
      findings.add(
          new Finding(
              AttackClass.DISTRIBUTED,
              username,
              c.accountFailures(),
              e,
              "sampleIps",
              keys.accountIps()));
    } else if (c.accountFingerprints() >= abuse.bruteForceMinPasswords()
        || (c.accountFingerprints() == 0 && c.accountFailures() >= abuse.bruteForceMinFailures())) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("username", username);
      e.put("failures", c.accountFailures());
      e.put("distinctPasswords", c.accountFingerprints());
      e.put("distinctIps", c.accountIps());
      findings.add(
          new Finding(
              AttackClass.BRUTE_FORCE,
              username,
              c.accountFailures(),
              e,
              "sampleIps",
              keys.accountIps()));
    }
    return findings;
  }

  private void record(Finding finding, InetAddress address) {
    Instant now = clock.instant();
    String key = finding.dedupKey();
    if (!evidenceWrites.due(key, now, config.abuse().evidenceRefresh())) {
      return;
    }
    boolean shadow = config.shadowMode();
    Map<String, Object> evidence = new LinkedHashMap<>(finding.evidence());
    evidence.put("window", config.abuse().window().toString());
    evidence.put(finding.sampleName(), recent(finding.sampleKey()));
    if (finding.attackClass() == AttackClass.CREDENTIAL_STUFFING) {
      evidence.put("allowlisted", blocks.isAllowlisted(address));
    }
    Attack attack =
        new Attack(
            key,
            finding.attackClass(),
            finding.subject(),
            now,
            now,
            finding.failures(),
            false,
            shadow,
            evidence);
    boolean episodeStarted = attacks.upsert(attack, endedBefore(now));
    if (!episodeStarted) {
      return;
    }
    metrics.attack(finding.attackClass().wireValue());
    LOG.warnf("attack recognised: %s against %s", finding.attackClass(), finding.subject());
    IncidentReport incident =
        IncidentReport.open(
            key,
            Runbooks.AUTHENTICATION_ABUSE,
            Severity.P1,
            "Authentication abuse: "
                + finding.attackClass().wireValue()
                + " on "
                + finding.subject(),
            evidence,
            SOURCE);
    incidents.report(
        incident.withStep(
            "attack.classified",
            finding.attackClass().wireValue() + " recognised; evidence " + evidence));
    audit.record(
        SOURCE,
        "attack.classified",
        Map.of(
            "class", finding.attackClass().wireValue(),
            "subject", finding.subject(),
            "shadow", shadow));
    boolean targeted = finding.attackClass() != AttackClass.CREDENTIAL_STUFFING;
    if (targeted && config.abuse().revokeTargetedAccounts()) {
      revokeTargeted(attack, incident, shadow);
    }
  }

  private void revokeTargeted(Attack attack, IncidentReport incident, boolean shadow) {
    String username = attack.subject();
    Map<String, Object> evidence = new LinkedHashMap<>(attack.evidence());
    if (shadow) {
      evidence.put("sessionsRevoked", "not in shadow mode (would revoke)");
      attacks.upsert(withEvidence(attack, evidence, false), endedBefore(attack.lastSeen()));
      incidents.report(
          incident.withStep("sessions.revoke.shadow", "shadow mode: would revoke " + username));
      return;
    }
    AuthGuardConfig.Abuse abuse = config.abuse();
    Instant now = clock.instant();
    boolean allowed;
    try {
      allowed =
          attacks.takeRevocation(
              attack.dedupKey(),
              now.minus(abuse.revocationWindow()),
              abuse.maxAutomaticRevocations(),
              now);
    } catch (RuntimeException e) {
      LOG.errorf("cannot count revocations, %s not revoked: %s", username, e.getMessage());
      incidents.report(
          incident.withStep(
              "sessions.revoke.failed",
              "could not count automatic revocations ("
                  + e.getMessage()
                  + "): "
                  + username
                  + " not revoked, revoke by hand"));
      return;
    }
    if (!allowed) {
      metrics.revocationCapped();
      LOG.warnf(
          "automatic revocation of %s not done: %d automatic revocations in %s already",
          username, abuse.maxAutomaticRevocations(), abuse.revocationWindow());
      evidence.put("sessionsRevoked", "not automatically: cap reached");
      attacks.upsert(withEvidence(attack, evidence, false), endedBefore(attack.lastSeen()));
      incidents.report(
          incident.withStep(
              "sessions.revoke.capped",
              abuse.maxAutomaticRevocations()
                  + " accounts were signed out automatically in the last "
                  + abuse.revocationWindow()
                  + " (the cap): a person decides whether to revoke "
                  + username
                  + " (POST /api/v1/accounts/{username}/revoke-sessions)"));
      audit.record(
          SOURCE,
          "sessions.revoke.capped",
          Map.of("username", username, "cap", abuse.maxAutomaticRevocations()));
      return;
    }
    try {
      int updated =
          revocations.revoke(username, SOURCE, attack.attackClass().wireValue() + " detected");
      if (updated == 0) {
        giveBackRevocation(attack.dedupKey());
      }
      evidence.put("sessionsRevoked", updated > 0 ? "revoked" : "no such account");
      attacks.upsert(withEvidence(attack, evidence, updated > 0), endedBefore(attack.lastSeen()));
      incidents.report(
          incident.withStep(
              "sessions.revoked",
              updated > 0
                  ? "refresh token of " + username + " cleared: every session must sign in again"
                  : "no account " + username + " in the app database: nothing to revoke"));
    } catch (RuntimeException e) {
      giveBackRevocation(attack.dedupKey());
      LOG.errorf("cannot revoke sessions of %s: %s", username, e.getMessage());
      incidents.report(
          incident.withStep(
              "sessions.revoke.failed",
              "could not revoke " + username + " (" + e.getMessage() + "): revoke by hand"));
    }
  }

  /** A revocation that did not happen does not count for the cap. */
  private void giveBackRevocation(String dedupKey) {
    try {
      attacks.returnRevocation(dedupKey);
    } catch (RuntimeException e) {
      LOG.warnf("a revocation not done still counts for the cap: %s", e.getMessage());
    }
  }

  private Instant endedBefore(Instant now) {
    return now.minus(config.abuse().attackExpiry());
  }

  private static Attack withEvidence(Attack a, Map<String, Object> evidence, boolean revoked) {
    return new Attack(
        a.dedupKey(),
        a.attackClass(),
        a.subject(),
        a.firstSeen(),
        a.lastSeen(),
        a.failures(),
        revoked,
        a.shadow(),
        evidence);
  }

  private List<String> recent(String key) {
    long since = clock.millis() - config.abuse().window().toMillis();
    return store.recentMembers(key, since, SAMPLE).await().atMost(Duration.ofSeconds(2));
  }
}
