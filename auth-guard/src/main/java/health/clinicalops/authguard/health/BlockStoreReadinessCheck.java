package health.clinicalops.authguard.health;

import health.clinicalops.authguard.service.BlockListService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The blocks in PostgreSQL. DOWN only before the first load (this replica knows no blocks yet);
 * later outages keep the last known blocks enforced and are shown as data.
 */
@Readiness
@ApplicationScoped
public class BlockStoreReadinessCheck implements HealthCheck {

  private final BlockListService blocks;

  BlockStoreReadinessCheck(BlockListService blocks) {
    this.blocks = blocks;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder builder =
        HealthCheckResponse.named("block-store").status(blocks.lastRefresh() != null);
    builder.withData("openBlocks", blocks.openBlocks().size());
    if (blocks.lastRefresh() != null) {
      builder.withData("lastRefresh", blocks.lastRefresh().toString());
    }
    if (blocks.lastRefreshError() != null) {
      builder.withData("lastRefreshError", blocks.lastRefreshError());
    }
    return builder.build();
  }
}
