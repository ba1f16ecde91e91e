package health.clinicalops.rollbackorchestrator.communicate.domain;

import health.clinicalops.opskit.evidence.Runbooks;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The time budgets the runbooks give their steps (INCIDENT_RUNBOOKS.md, e.g. "Identify Source (2
 * min)"); the post-incident report measures the response against them. Steps without a time in the
 * runbook (conditional ones such as "Force Password Reset") are not listed.
 */
public final class RunbookBudgets {

  /** One timed step of a runbook. */
  public record Step(int number, String name, Duration budget) {
    /** "Identify Source (2 min)". */
    public String label() {
      return name + " (" + budget.toMinutes() + " min)";
    }
  }

  private static final Map<String, List<Step>> STEPS =
      Map.of(
          Runbooks.AUTHENTICATION_ABUSE,
          List.of(
              step(1, "Identify Source", 2),
              step(2, "Verify Rate Limiting", 1),
              step(3, "Block IP if Persistent", 2),
              step(4, "Investigate Pattern", 5)),
          Runbooks.DATABASE_CONNECTIVITY_LOSS,
          List.of(
              step(1, "Check Neon Status", 1),
              step(2, "Verify Connection String", 2),
              step(3, "Check Connection Pool", 2)),
          Runbooks.AUDIT_LOG_FAILURE,
          List.of(
              step(1, "Check Database Write Permissions", 2), step(2, "Verify AuditLog Table", 1)),
          Runbooks.ERROR_RATE_SPIKE,
          List.of(
              step(1, "Identify Error Pattern", 3),
              step(2, "Check Recent Deployments", 2),
              step(3, "Review Error Details", 5),
              step(4, "Correlate with Metrics", 3)),
          Runbooks.ROLLBACK_DEPLOYMENT,
          List.of(
              step(1, "Stop Write Traffic", 2),
              step(2, "Backup Current State", 5),
              step(3, "Restore Database", 15),
              step(4, "Deploy Compatible Code", 5),
              step(5, "Verify Data Integrity", 3)),
          Runbooks.RATE_LIMIT_OVERWHELMED,
          List.of(step(1, "Identify Affected Endpoint", 2), step(2, "Check for Abuse", 3)));

  private RunbookBudgets() {}

  private static Step step(int number, String name, long minutes) {
    return new Step(number, name, Duration.ofMinutes(minutes));
  }

  /** The timed steps of a runbook, in order; empty for a runbook without timed steps. */
  public static List<Step> of(String runbook) {
    return STEPS.getOrDefault(runbook, List.of());
  }

  /** The sum of a runbook's step budgets. */
  public static Duration total(String runbook) {
    return of(runbook).stream().map(Step::budget).reduce(Duration.ZERO, Duration::plus);
  }
}
