package health.clinicalops.opskit.clients;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Queues that hold audit events and incident reports until their service has taken them. */
@ConfigMapping(prefix = "clinicalops.outbox")
public interface OutboxConfig {

  /** Items held per queue while the peer is unreachable. */
  @WithDefault("20000")
  int capacity();

  /** First wait after a failed delivery; doubles up to {@link #maxBackoff()}. */
  @WithDefault("500ms")
  Duration initialBackoff();

  @WithDefault("30s")
  Duration maxBackoff();
}
