package health.clinicalops.rollbackorchestrator.rollback.service;

import health.clinicalops.opskit.ServiceNames;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rollback guardrails as decisions on plain data: the target release, the schema version of a
 * code-only rollback, the revision an approved plan starts from, the cooldown per Deployment and
 * the hourly limit of automatic rollbacks. No CDI, database or clock: the caller looks the data up
 * and passes {@code now}. A refusal's reason is the detail of the 409 (or 404) the caller answers.
 */
public final class RollbackGuardrails {

  /** The window of the hourly limit. */
  static final Duration HOUR = Duration.ofHours(1);

  private final Duration cooldown;
  private final int maxAutomaticPerHour;

  public RollbackGuardrails(Duration cooldown, int maxAutomaticPerHour) {
    this.cooldown = cooldown;
    this.maxAutomaticPerHour = maxAutomaticPerHour;
  }

  /** A guardrail's answer: allowed, or refused with the reason. */
  public record Verdict(Optional<String> refusal) {
    static final Verdict ALLOWED = new Verdict(Optional.empty());

    static Verdict refused(String reason) {
      return new Verdict(Optional.of(reason));
    }

    public boolean allowed() {
      return refusal.isEmpty();
    }
  }

  /** The release a rollback goes to, or why there is none. */
  public sealed interface TargetChoice {
    /** The release to roll back to. */
    record Chosen(Release release) implements TargetChoice {}

    /** The asked-for revision is not in the history (404). */
    record Unknown(String reason) implements TargetChoice {}

    /** No release may be rolled back to (409). */
    record Refused(String reason) implements TargetChoice {}
  }

  /** Allows every Deployment that is not an ops service, in {@link #target}. */
  public static final String ANY_DEPLOYMENT = "*";

  private static final Set<String> OPS_SERVICES =
      Set.of(
          ServiceNames.AUTH_GUARD,
          ServiceNames.DB_SENTINEL,
          ServiceNames.AUDIT_KEEPER,
          ServiceNames.ERROR_WATCH,
          ServiceNames.ROLLBACK_ORCHESTRATOR);

  /**
   * Whether {@code deployment} may be rolled back: it is one of {@code targets} (or they hold
   * {@link #ANY_DEPLOYMENT}) and never one of the ops services, whose releases are not the app's.
   */
  public static Verdict target(String deployment, List<String> targets) {
    if (OPS_SERVICES.contains(deployment)) {
      return Verdict.refused(
          deployment + " is an ops service: only the app's Deployments are rolled back");
    }
    if (targets.contains(ANY_DEPLOYMENT) || targets.contains(deployment)) {
      return Verdict.ALLOWED;
    }
    return Verdict.refused(
        deployment
            + " is not a rollback target"
            + (targets.isEmpty()
                ? ": none is configured (clinicalops.rollback-orchestrator.rollback.targets,"
                    + " the chart's app.deployments)"
                : "; the targets are " + String.join(", ", targets)));
  }

  /**
   * The target: {@code toRevision} when given (it must be older than the current one), else the
   * newest stable release before the current one (if no release is marked stable at all: the
   * previous one). Never older than the oldest stable release.
   */
  public static TargetChoice chooseTarget(ReleaseHistory.History releases, Long toRevision) {
    long current = releases.currentRevision();
    Optional<Release> oldestStable = releases.oldestStable();
    Release target;
    if (toRevision != null) {
      Optional<Release> asked = releases.release(toRevision);
      if (asked.isEmpty()) {
        return new TargetChoice.Unknown("no release with revision " + toRevision);
      }
      if (toRevision >= current) {
        return new TargetChoice.Refused(
            "revision " + toRevision + " is not older than the current revision " + current);
      }
      target = asked.get();
    } else {
      Optional<Release> found =
          releases
              .lastStableBefore(current)
              .or(() -> oldestStable.isEmpty() ? releases.previous(current) : Optional.empty());
      if (found.isEmpty()) {
        return new TargetChoice.Refused(
            "no stable release before revision "
                + current
                + " to roll back to (mark one with the clinical-ops/stable annotation)");
      }
      target = found.get();
    }
    if (oldestStable.isPresent() && target.revision() < oldestStable.get().revision()) {
      return new TargetChoice.Refused(
          "revision "
              + target.revision()
              + " is older than the oldest stable release "
              + oldestStable.get().revision()
              + ": a rollback never goes past it");
    }
    return new TargetChoice.Chosen(target);
  }

  /** The schema-version check of a code-only rollback, and the note its plan records. */
  public record SchemaCheck(Verdict verdict, String note) {}

  /**
   * A code-only rollback needs the target release's schema version to be the database's ({@code
   * source} says where that came from); when either is unknown it proceeds and the note says so.
   */
  public static SchemaCheck schemaVersion(
      Optional<String> databaseVersion, String source, Release target) {
    Optional<String> expected = target.schemaVersion();
    if (databaseVersion.isPresent()
        && expected.isPresent()
        && !databaseVersion.get().equals(expected.get())) {
      return new SchemaCheck(
          Verdict.refused(
              "revision "
                  + target.revision()
                  + " expects schema version "
                  + expected.get()
                  + " but the database has "
                  + databaseVersion.get()
                  + " ("
                  + source
                  + "): a code-only rollback would break it; use the database procedure"
                  + " (give \"database\" in the request)"),
          null);
    }
    if (databaseVersion.isEmpty() || expected.isEmpty()) {
      return new SchemaCheck(
          Verdict.ALLOWED,
          "schema version not compared: database "
              + databaseVersion.orElse("unknown")
              + ", target "
              + expected.orElse("unknown"));
    }
    return new SchemaCheck(
        Verdict.ALLOWED, "schema version " + databaseVersion.get() + " matches (" + source + ")");
  }

  /** An approved plan runs only if the Deployment is still at the revision it was planned from. */
  public static Verdict stillAtPlannedRevision(
      String deployment, long currentRevision, long plannedFromRevision) {
    if (currentRevision != plannedFromRevision) {
      return Verdict.refused(
          "Deployment "
              + deployment
              + " is at revision "
              + currentRevision
              + " now, not "
              + plannedFromRevision
              + " as when this rollback was planned: reject it and ask again");
    }
    return Verdict.ALLOWED;
  }

  /** Rollbacks created after this instant count for the cooldown. */
  public Instant cooldownStart(Instant now) {
    return now.minus(cooldown);
  }

  /**
   * Refused while the Deployment had a rollback (not a dry run, not rejected) within the cooldown:
   * {@code rollbacksCreatedAt} are those rollbacks' creation times.
   */
  public Verdict cooldown(String deployment, List<Instant> rollbacksCreatedAt, Instant now) {
    Instant start = cooldownStart(now);
    if (rollbacksCreatedAt.stream().anyMatch(at -> at.isAfter(start))) {
      return Verdict.refused(
          "Deployment "
              + deployment
              + " was rolled back less than "
              + cooldown
              + " ago (cooldown)");
    }
    return Verdict.ALLOWED;
  }

  /** Automatic rollbacks created after this instant count for the hourly limit. */
  public Instant hourlyLimitStart(Instant now) {
    return now.minus(HOUR);
  }

  /**
   * Refused when {@code max-automatic-per-hour} automatic (service-requested) rollbacks were
   * created in the last hour: {@code automaticCreatedAt} are their creation times.
   */
  public Verdict hourlyLimit(List<Instant> automaticCreatedAt, Instant now) {
    Instant start = hourlyLimitStart(now);
    long inTheLastHour = automaticCreatedAt.stream().filter(at -> at.isAfter(start)).count();
    if (inTheLastHour >= maxAutomaticPerHour) {
      return Verdict.refused(
          "already "
              + maxAutomaticPerHour
              + " automatic rollbacks in the last hour: a person must decide");
    }
    return Verdict.ALLOWED;
  }
}
