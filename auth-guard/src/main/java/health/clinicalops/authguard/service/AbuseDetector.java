package health.clinicalops.authguard.service;

import health.clinicalops.authguard.config.AuthGuardConfig;
import health.clinicalops.authguard.domain.Attack;
import health.clinicalops.authguard.domain.AttackClass;
import health.clinicalops.authguard.domain.IpBlock;
import health.clinicalops.authguard.repository.AttackRepository;
import health.clinicalops.authguard.service.AttackClassifier.Finding;
import health.clinicalops.authguard.store.FailureCounts;
import health.clinicalops.authguard.store.FailureKeys;
import health.clinicalops.authguard.store.ResilientWindowStore;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.dryrun.DryRun;
import health.clinicalops.opskit.evidence.AuthAbuseEvidence;
import health.clinicalops.opskit.journal.RunbookIncident;
import health.clinicalops.opskit.journal.RunbookJournal;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
  private static final int SAMPLE = 20;

  private final AuthGuardConfig config;
  private final DryRun dryRun;
  private final BlockListService blocks;
  private final AttackRepository attacks;
  private final ResilientWindowStore store;
  private final SessionRevocationService revocations;
  private final RunbookJournal journal;
  private final AuthGuardMetrics metrics;
  private final Clock clock;

  private final EvidenceWrites evidenceWrites;
  private final AttackClassifier classifier;

  AbuseDetector(
      AuthGuardConfig config,
      DryRun dryRun,
      BlockListService blocks,
      AttackRepository attacks,
      ResilientWindowStore store,
      SessionRevocationService revocations,
      RunbookJournal journal,
      AuthGuardMetrics metrics,
      Clock clock) {
    this.config = config;
    this.dryRun = dryRun;
    this.evidenceWrites = new EvidenceWrites(config.abuse().trackedAttacks());
    this.classifier = new AttackClassifier(AttackClassifier.Thresholds.of(config.abuse()));
    this.blocks = blocks;
    this.attacks = attacks;
    this.store = store;
    this.revocations = revocations;
    this.journal = journal;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** What was done for one failure. */
  public record Response(Optional<IpBlock> block, List<String> attacks) {}

  public Response assess(
      InetAddress address, String username, FailureKeys keys, FailureCounts counts) {
    AuthGuardConfig.Abuse abuse = config.abuse();
    String ip = blocks.clientKey(address);
    Optional<IpBlock> block = Optional.empty();
    if (counts.ipFailures() > abuse.maxFailuresPerIp()) {
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
              AuthAbuseEvidence.overThreshold(
                  counts.ipFailures(),
                  abuse.window().toString(),
                  abuse.maxFailuresPerIp(),
                  counts.ipUsernames(),
                  counts.ipFingerprints()));
    }
    List<String> recognised = new ArrayList<>();
    for (Finding finding : classifier.classify(ip, username, keys, counts)) {
      record(finding, address);
      recognised.add(finding.attackClass().wireValue() + ":" + finding.subject());
    }
    return new Response(block, recognised);
  }

  private void record(Finding finding, InetAddress address) {
    Instant now = clock.instant();
    AttackClass attackClass = finding.attackClass();
    String key = journal.dedupKey(attackClass.wireValue(), finding.subject());
    if (!evidenceWrites.due(key, now, config.abuse().evidenceRefresh())) {
      return;
    }
    boolean shadow = dryRun.enabled();
    List<String> sample = recent(finding.sampleKey());
    AuthAbuseEvidence evidence =
        attackClass == AttackClass.CREDENTIAL_STUFFING
            ? finding
                .evidence()
                .withSampleUsernames(sample)
                .withAllowlisted(blocks.isAllowlisted(address))
            : finding.evidence().withSampleIps(sample);
    Attack attack =
        new Attack(
            key,
            attackClass,
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
    metrics.attack(attackClass.wireValue());
    RunbookIncident incident =
        journal.incident(
            key,
            Severity.P1,
            "Authentication abuse: " + attackClass.wireValue() + " on " + finding.subject(),
            evidence);
    incident.stepWarning(
        "attack.classified",
        attackClass.wireValue()
            + " recognised on "
            + finding.subject()
            + ": "
            + finding.failures()
            + " failures in "
            + config.abuse().window(),
        Map.of("class", attackClass.wireValue(), "subject", finding.subject(), "shadow", shadow));
    boolean targeted = attackClass != AttackClass.CREDENTIAL_STUFFING;
    if (targeted && config.abuse().revokeTargetedAccounts()) {
      revokeTargeted(attack, incident, shadow);
    }
  }

  private void revokeTargeted(Attack attack, RunbookIncident incident, boolean shadow) {
    String username = attack.subject();
    if (shadow) {
      AuthAbuseEvidence evidence =
          attack.evidence().withSessionsRevoked("not in a dry run (would revoke)");
      attacks.upsert(attack.withEvidence(evidence, false), endedBefore(attack.lastSeen()));
      incident
          .withEvidence(evidence)
          .dryRunStep(
              SessionRevocationService.REVOKED, "refresh token of " + username + " kept (dry run)");
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
      incident.stepWarning(
          "sessions.revoke.failed",
          "could not count automatic revocations ("
              + e.getMessage()
              + "): "
              + username
              + " not revoked, revoke by hand",
          Map.of("username", username));
      return;
    }
    if (!allowed) {
      metrics.revocationCapped();
      AuthAbuseEvidence evidence =
          attack.evidence().withSessionsRevoked("not automatically: cap reached");
      attacks.upsert(attack.withEvidence(evidence, false), endedBefore(attack.lastSeen()));
      incident
          .withEvidence(evidence)
          .stepWarning(
              "sessions.revoke.capped",
              abuse.maxAutomaticRevocations()
                  + " accounts were signed out automatically in the last "
                  + abuse.revocationWindow()
                  + " (the cap): a person decides whether to revoke "
                  + username
                  + " (POST /api/v1/accounts/{username}/revoke-sessions)",
              Map.of("username", username, "cap", abuse.maxAutomaticRevocations()));
      return;
    }
    String reason = attack.attackClass().wireValue() + " detected";
    try {
      int updated = revocations.revokeAutomatically(username);
      if (updated == 0) {
        giveBackRevocation(attack.dedupKey());
      }
      AuthAbuseEvidence evidence =
          attack.evidence().withSessionsRevoked(updated > 0 ? "revoked" : "no such account");
      attacks.upsert(attack.withEvidence(evidence, updated > 0), endedBefore(attack.lastSeen()));
      incident
          .withEvidence(evidence)
          .step(
              SessionRevocationService.REVOKED,
              updated > 0
                  ? "refresh token of " + username + " cleared: every session must sign in again"
                  : "no account " + username + " in the app database: nothing to revoke",
              Map.of("username", username, "accounts", updated, "reason", reason));
    } catch (RuntimeException e) {
      giveBackRevocation(attack.dedupKey());
      incident.stepWarning(
          "sessions.revoke.failed",
          "could not revoke " + username + " (" + e.getMessage() + "): revoke by hand",
          Map.of("username", username));
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

  private List<String> recent(String key) {
    long since = clock.millis() - config.abuse().window().toMillis();
    return store.recentMembers(key, since, SAMPLE).await().atMost(Duration.ofSeconds(2));
  }
}
