package health.clinicalops.rollbackorchestrator.rollback.service;

import static org.assertj.core.api.Assertions.assertThat;

import health.clinicalops.rollbackorchestrator.rollback.service.RollbackGuardrails.TargetChoice;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rollback guardrails on plain data: each one's allow and refuse cases and its boundaries. */
class RollbackGuardrailsTest {

  static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  static final Duration COOLDOWN = Duration.ofMinutes(10);

  final RollbackGuardrails guardrails = new RollbackGuardrails(COOLDOWN, 3);

  static Release release(long revision, boolean stable, String schemaVersion) {
    return new Release(
        revision,
        "app-" + revision,
        List.of("registry/app:v" + revision),
        stable,
        Optional.ofNullable(schemaVersion),
        null);
  }

  static ReleaseHistory.History history(long current, Release... releases) {
    return new ReleaseHistory.History(new Deployment(), current, List.of(releases));
  }

  static Release chosen(TargetChoice choice) {
    assertThat(choice).isInstanceOf(TargetChoice.Chosen.class);
    return ((TargetChoice.Chosen) choice).release();
  }

  // --- the Deployments a rollback may patch

  @Test
  void onlyTheConfiguredDeploymentsAreTargets() {
    List<String> targets = List.of("clinical-app", "clinical-worker");
    assertThat(RollbackGuardrails.target("clinical-app", targets).allowed()).isTrue();
    assertThat(RollbackGuardrails.target("clinical-worker", targets).allowed()).isTrue();
    assertThat(RollbackGuardrails.target("payments", targets).refusal())
        .hasValue(
            "payments is not a rollback target; the targets are clinical-app, clinical-worker");
  }

  @Test
  void noConfiguredTargetsRefusesEveryRollbackAndSaysWhatToSet() {
    assertThat(RollbackGuardrails.target("clinical-app", List.of()).refusal())
        .hasValueSatisfying(
            reason ->
                assertThat(reason).contains("none is configured").contains("app.deployments"));
  }

  @Test
  void theOpsServicesAreNeverTargetsNotEvenWithTheWildcard() {
    for (String service :
        List.of(
            "auth-guard", "db-sentinel", "audit-keeper", "error-watch", "rollback-orchestrator")) {
      assertThat(RollbackGuardrails.target(service, List.of("*", service)).refusal())
          .hasValue(service + " is an ops service: only the app's Deployments are rolled back");
    }
    assertThat(RollbackGuardrails.target("clinical-app", List.of("*")).allowed()).isTrue();
  }

  // --- the target release

  @Test
  void theDefaultTargetIsTheNewestStableReleaseBeforeTheCurrentOne() {
    var releases =
        history(
            4,
            release(1, true, null),
            release(2, true, null),
            release(3, false, null),
            release(4, false, null));

    assertThat(chosen(RollbackGuardrails.chooseTarget(releases, null)).revision()).isEqualTo(2);
  }

  @Test
  void withoutAnyStableReleaseTheDefaultTargetIsThePreviousOne() {
    var releases =
        history(3, release(1, false, null), release(2, false, null), release(3, false, null));

    assertThat(chosen(RollbackGuardrails.chooseTarget(releases, null)).revision()).isEqualTo(2);
  }

  @Test
  void whenOnlyTheCurrentReleaseIsStableThereIsNoDefaultTarget() {
    var releases =
        history(3, release(1, false, null), release(2, false, null), release(3, true, null));

    assertThat(RollbackGuardrails.chooseTarget(releases, null))
        .isEqualTo(
            new TargetChoice.Refused(
                "no stable release before revision 3 to roll back to (mark one with the"
                    + " clinical-ops/stable annotation)"));
  }

  @Test
  void anAskedForRevisionMustBeInTheHistoryAndOlderThanTheCurrentOne() {
    var releases =
        history(3, release(1, false, null), release(2, false, null), release(3, false, null));

    assertThat(chosen(RollbackGuardrails.chooseTarget(releases, 1L)).revision()).isEqualTo(1);
    assertThat(RollbackGuardrails.chooseTarget(releases, 9L))
        .isEqualTo(new TargetChoice.Unknown("no release with revision 9"));
    assertThat(RollbackGuardrails.chooseTarget(releases, 3L))
        .isEqualTo(new TargetChoice.Refused("revision 3 is not older than the current revision 3"));
  }

  @Test
  void aRollbackNeverGoesPastTheOldestStableRelease() {
    var releases =
        history(
            4,
            release(1, false, null),
            release(2, true, null),
            release(3, false, null),
            release(4, false, null));

    assertThat(chosen(RollbackGuardrails.chooseTarget(releases, 2L)).revision())
        .as("the oldest stable one itself")
        .isEqualTo(2);
    assertThat(RollbackGuardrails.chooseTarget(releases, 1L))
        .isEqualTo(
            new TargetChoice.Refused(
                "revision 1 is older than the oldest stable release 2: a rollback never goes past"
                    + " it"));
  }

  // --- the schema version of a code-only rollback

  @Test
  void aMatchingSchemaVersionIsAllowedAndNoted() {
    var check =
        RollbackGuardrails.schemaVersion(
            Optional.of("20261101"), "setting", release(2, true, "20261101"));

    assertThat(check.verdict().allowed()).isTrue();
    assertThat(check.note()).isEqualTo("schema version 20261101 matches (setting)");
  }

  @Test
  void aDifferentSchemaVersionIsRefused() {
    var check =
        RollbackGuardrails.schemaVersion(
            Optional.of("20261120"), "schema-version-query", release(2, true, "20261101"));

    assertThat(check.verdict().refusal())
        .hasValue(
            "revision 2 expects schema version 20261101 but the database has 20261120"
                + " (schema-version-query): a code-only rollback would break it; use the database"
                + " procedure (give \"database\" in the request)");
  }

  @Test
  void anUnknownSchemaVersionOnEitherSideIsAllowedAndSaidSo() {
    var databaseUnknown =
        RollbackGuardrails.schemaVersion(Optional.empty(), "setting", release(2, true, "20261101"));
    var targetUnknown =
        RollbackGuardrails.schemaVersion(
            Optional.of("20261120"), "setting", release(2, true, null));

    assertThat(databaseUnknown.verdict().allowed()).isTrue();
    assertThat(databaseUnknown.note())
        .isEqualTo("schema version not compared: database unknown, target 20261101");
    assertThat(targetUnknown.verdict().allowed()).isTrue();
    assertThat(targetUnknown.note())
        .isEqualTo("schema version not compared: database 20261120, target unknown");
  }

  // --- the revision an approved plan starts from

  @Test
  void anApprovalNeedsTheDeploymentStillAtThePlannedRevision() {
    assertThat(RollbackGuardrails.stillAtPlannedRevision("clinic-web", 4, 4).allowed()).isTrue();
    assertThat(RollbackGuardrails.stillAtPlannedRevision("clinic-web", 5, 4).refusal())
        .hasValue(
            "Deployment clinic-web is at revision 5 now, not 4 as when this rollback was planned:"
                + " reject it and ask again");
  }

  // --- the cooldown

  @Test
  void noEarlierRollbackMeansNoCooldown() {
    assertThat(guardrails.cooldown("clinic-web", List.of(), NOW).allowed()).isTrue();
  }

  @Test
  void aRollbackWithinTheCooldownRefusesTheNext() {
    var verdict = guardrails.cooldown("clinic-web", List.of(NOW.minus(Duration.ofMinutes(9))), NOW);

    assertThat(verdict.refusal())
        .hasValue("Deployment clinic-web was rolled back less than PT10M ago (cooldown)");
  }

  @Test
  void theCooldownEndsExactlyWhenItHasPassed() {
    Instant justInside = NOW.minus(COOLDOWN).plusMillis(1);
    Instant exactlyAtTheEnd = NOW.minus(COOLDOWN);

    assertThat(guardrails.cooldown("clinic-web", List.of(justInside), NOW).allowed()).isFalse();
    assertThat(guardrails.cooldown("clinic-web", List.of(exactlyAtTheEnd), NOW).allowed()).isTrue();
    assertThat(guardrails.cooldownStart(NOW)).isEqualTo(exactlyAtTheEnd);
  }

  // --- the hourly limit of automatic rollbacks

  @Test
  void belowTheHourlyLimitAnAutomaticRollbackIsAllowed() {
    List<Instant> two =
        List.of(NOW.minus(Duration.ofMinutes(50)), NOW.minus(Duration.ofMinutes(5)));

    assertThat(guardrails.hourlyLimit(two, NOW).allowed()).isTrue();
  }

  @Test
  void atTheHourlyLimitTheNextIsRefused() {
    List<Instant> three =
        List.of(
            NOW.minus(Duration.ofMinutes(59)),
            NOW.minus(Duration.ofMinutes(30)),
            NOW.minus(Duration.ofMinutes(1)));

    assertThat(guardrails.hourlyLimit(three, NOW).refusal())
        .hasValue("already 3 automatic rollbacks in the last hour: a person must decide");
  }

  @Test
  void aRollbackExactlyAnHourAgoNoLongerCounts() {
    List<Instant> threeOneAtTheHour =
        List.of(
            NOW.minus(Duration.ofHours(1)),
            NOW.minus(Duration.ofMinutes(30)),
            NOW.minus(Duration.ofMinutes(1)));
    List<Instant> threeOneJustInside =
        List.of(
            NOW.minus(Duration.ofHours(1)).plusMillis(1),
            NOW.minus(Duration.ofMinutes(30)),
            NOW.minus(Duration.ofMinutes(1)));

    assertThat(guardrails.hourlyLimit(threeOneAtTheHour, NOW).allowed()).isTrue();
    assertThat(guardrails.hourlyLimit(threeOneJustInside, NOW).allowed()).isFalse();
    assertThat(guardrails.hourlyLimitStart(NOW)).isEqualTo(NOW.minus(Duration.ofHours(1)));
  }
}
