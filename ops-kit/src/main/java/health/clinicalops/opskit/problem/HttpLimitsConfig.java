package health.clinicalops.opskit.problem;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Request limits every service enforces before reading a body. */
@ConfigMapping(prefix = "clinicalops.http")
public interface HttpLimitsConfig {

  /** Largest request body accepted; larger ones get 413 problem+json and are not read. */
  @WithDefault("1M")
  MemorySize maxBodySize();
}
