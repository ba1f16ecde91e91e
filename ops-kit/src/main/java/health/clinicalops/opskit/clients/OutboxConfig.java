package health.clinicalops.opskit.clients;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The durable outboxes that hold audit events and incident reports on disk until their service has
 * taken them.
 */
@ConfigMapping(prefix = "clinicalops.outbox")
public interface OutboxConfig {

  /**
   * Where the outboxes keep their files, one folder per peer. It must outlive the process: in
   * Kubernetes a volume (the chart mounts an emptyDir at /tmp, which survives a container restart;
   * a PersistentVolume survives the loss of the pod too).
   */
  @WithDefault("${java.io.tmpdir}/clinical-ops-outbox")
  Path directory();

  /** Items held per peer while it is unreachable; more are refused and counted as dropped. */
  @WithDefault("20000")
  int capacity();

  /**
   * How often the outboxes retry what a peer could not take (a new item is sent at once). The
   * scheduler's shortest interval is 1 s.
   */
  @WithDefault("1s")
  Duration pollInterval();

  /**
   * Largest evidence of one incident report, as JSON. Evidence records bound their own lists and
   * texts far below this; a report whose evidence is larger anyway is sent without it (counted and
   * logged), so that it always fits the receiver's body limit.
   */
  @WithDefault("64K")
  MemorySize maxEvidenceSize();

  /** First wait after a failed delivery; doubles up to {@link #maxBackoff()}. */
  @WithDefault("500ms")
  Duration initialBackoff();

  @WithDefault("30s")
  Duration maxBackoff();
}
