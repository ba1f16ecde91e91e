package health.clinicalops.opskit.dryrun;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Produces {@link DryRun} from {@code clinicalops.dry-run}, or else from a deprecated name a
 * service used before (auth-guard's shadow mode, db-sentinel's own dry run), with one WARN at
 * start-up for each deprecated name still set. The services keep the old names in their config
 * mappings only so that a deployment still setting them starts.
 */
@ApplicationScoped
public class DryRunSetting {

  /** The names used before {@code clinicalops.dry-run}; still honoured, with a warning. */
  public static final List<String> DEPRECATED_NAMES =
      List.of("clinicalops.auth-guard.shadow-mode", "clinicalops.db-sentinel.dry-run");

  private static final Logger LOG = Logger.getLogger(DryRunSetting.class);

  @Produces
  @Singleton
  @Startup
  DryRun dryRun(DryRunConfig config, Config all) {
    return resolve(config.enabled(), name -> all.getOptionalValue(name, Boolean.class));
  }

  /** The setting from the new name, else from the first deprecated name set; off when none is. */
  static DryRun resolve(Optional<Boolean> current, Lookup lookup) {
    Optional<Boolean> chosen = current;
    for (String name : DEPRECATED_NAMES) {
      Optional<Boolean> old = lookup.value(name);
      if (old.isPresent()) {
        LOG.warnf(
            "%s is deprecated and will be removed: set clinicalops.dry-run=%s instead%s",
            name, old.get(), current.isPresent() ? " (clinicalops.dry-run is set and wins)" : "");
        chosen = chosen.or(() -> old);
      }
    }
    DryRun dryRun = chosen.orElse(false) ? DryRun.ON : DryRun.OFF;
    if (dryRun.enabled()) {
      LOG.info("dry run: decisions are recorded as what would be done; nothing is changed");
    }
    return dryRun;
  }

  /** Reads one property. */
  @FunctionalInterface
  interface Lookup {
    Optional<Boolean> value(String name);
  }
}
