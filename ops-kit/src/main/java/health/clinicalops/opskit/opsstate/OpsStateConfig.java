package health.clinicalops.opskit.opsstate;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Where the ops-state ConfigMap lives and how this service follows it. */
@ConfigMapping(prefix = "clinicalops.ops-state")
public interface OpsStateConfig {

  /** Name of the ops-state ConfigMap. */
  @WithDefault("clinical-ops-state")
  String configMapName();

  /** Namespace of the ConfigMap; the client's own namespace (the pod's) when absent. */
  Optional<String> namespace();

  /** Whether this service watches the ConfigMap with an informer. Off only in narrow tests. */
  @WithDefault("true")
  boolean watch();

  /** Full re-list period of the informer, a safety net behind the watch. */
  @WithDefault("5m")
  Duration resync();

  /** How often leases are checked so an expired automated mode falls back within this time. */
  @WithDefault("250ms")
  Duration leaseCheckInterval();

  /** How many times a write is retried after a resourceVersion conflict before giving up. */
  @WithDefault("10")
  int maxConflictRetries();
}
