package health.clinicalops.opskit.dryrun;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.util.Optional;

/**
 * {@code clinicalops.dry-run}: the one dry-run switch of every service. Off (absent) by default.
 * Read through {@link DryRun}, which also honours the deprecated names.
 */
@ConfigMapping(prefix = "clinicalops.dry-run")
public interface DryRunConfig {

  /**
   * True: detect, decide and record everything, but change nothing (no ConfigMap write, no refused
   * request, no block enforced, no session revoked); the steps are recorded as dry runs ("dry-run:
   * would ..."). Absent means false.
   */
  @WithParentName
  Optional<Boolean> enabled();
}
