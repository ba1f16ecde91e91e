package health.clinicalops.errorwatch.service;

import health.clinicalops.errorwatch.domain.Deploy;
import health.clinicalops.errorwatch.domain.DeployRequest;
import health.clinicalops.opskit.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Records deploys from the API and the cluster watcher. */
@ApplicationScoped
public class DeployService {

  private static final Logger LOG = Logger.getLogger(DeployService.class);

  /** RFC 3339 times have four-digit years; past these, storing and comparing them overflows. */
  private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");

  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private final DeployRegistry registry;
  private final Clock clock;

  DeployService(DeployRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  public Deploy announce(@Valid @NotNull DeployRequest request) {
    Instant deployedAt = request.deployedAt();
    if (deployedAt != null && (deployedAt.isBefore(EARLIEST) || deployedAt.isAfter(LATEST))) {
      throw ProblemException.badRequest(
          "deployedAt: between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
    }
    String previous = request.previousRevision();
    try {
      if (previous == null) {
        previous = registry.latestOf(request.app()).map(Deploy::revision).orElse(null);
      }
      return registry.record(
          new Deploy(
              UUID.randomUUID(),
              request.app(),
              request.image(),
              request.revision(),
              request.release(),
              previous,
              request.deployedAt() == null ? clock.instant() : request.deployedAt(),
              "api"));
    } catch (SQLException e) {
      throw ProblemException.unavailable("the deploy store is unavailable", Duration.ofSeconds(5));
    }
  }

  /** A rollout seen in the cluster; failures are logged (the watcher must keep running). */
  public void learned(Deploy deploy) {
    try {
      registry.record(deploy);
    } catch (SQLException e) {
      LOG.errorf(
          "error-watch: deploy %s/%s not stored: %s",
          deploy.app(), deploy.revision(), e.getMessage());
    }
  }

  public List<Deploy> recent(int limit) {
    try {
      return registry.recent(limit);
    } catch (SQLException e) {
      throw ProblemException.unavailable("the deploy store is unavailable", Duration.ofSeconds(5));
    }
  }

  public Optional<Deploy> find(UUID id) {
    try {
      return registry.find(id);
    } catch (SQLException e) {
      throw ProblemException.unavailable("the deploy store is unavailable", Duration.ofSeconds(5));
    }
  }
}
