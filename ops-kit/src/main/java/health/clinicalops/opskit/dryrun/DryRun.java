package health.clinicalops.opskit.dryrun;

/**
 * Whether this service runs dry: it detects, decides and records what it would do, and does none of
 * it. Set once at start-up ({@code clinicalops.dry-run}); a service asks this, never its own
 * setting. The steps it would take go to the runbook journal's {@code dryRunStep}/{@code
 * recordDryRun}.
 */
public record DryRun(boolean enabled) {

  public static final DryRun OFF = new DryRun(false);
  public static final DryRun ON = new DryRun(true);
}
