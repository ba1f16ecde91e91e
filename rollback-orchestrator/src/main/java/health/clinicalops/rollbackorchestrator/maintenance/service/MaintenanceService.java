package health.clinicalops.rollbackorchestrator.maintenance.service;

import health.clinicalops.opskit.clients.AuditTrail;
import health.clinicalops.opskit.opsstate.Mode;
import health.clinicalops.opskit.opsstate.ModeSetting;
import health.clinicalops.opskit.opsstate.OpsState;
import health.clinicalops.opskit.opsstate.OpsStateKeys;
import health.clinicalops.opskit.opsstate.OpsStateWatcher;
import health.clinicalops.opskit.opsstate.OpsStateWriter;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.rollbackorchestrator.common.Actor;
import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Maintenance mode, owned by this service: writes {@code mode} in the ops-state ConfigMap for
 * people (no lease) and services (with a lease), and writes an automated mode whose lease ran out
 * back to normal.
 */
@ApplicationScoped
public class MaintenanceService {

  private static final Logger LOG = Logger.getLogger(MaintenanceService.class);

  private final OpsStateWriter writer;
  private final OpsStateWatcher watcher;
  private final AuditTrail audit;
  private final OrchestratorConfig.Maintenance config;
  private final Clock clock;

  MaintenanceService(
      OpsStateWriter writer,
      OpsStateWatcher watcher,
      AuditTrail audit,
      OrchestratorConfig config,
      Clock clock) {
    this.writer = writer;
    this.watcher = watcher;
    this.audit = audit;
    this.config = config.maintenance();
    this.clock = clock;
  }

  public MaintenanceView set(@NotNull @Valid MaintenanceRequest request, @NotNull Actor actor) {
    Instant now = Instant.now(clock);
    Optional<Duration> lease = Optional.empty();
    if (request.expiresAt() != null) {
      if (!request.expiresAt().isAfter(now)) {
        throw ProblemException.badRequest("expiresAt must be in the future");
      }
      lease = Optional.of(Duration.between(now, request.expiresAt()));
      if (!actor.person() && lease.get().compareTo(config.maxServiceLease()) > 0) {
        throw ProblemException.badRequest(
            "a service's lease may last at most " + config.maxServiceLease());
      }
    } else if (!actor.person() && request.mode() != Mode.NORMAL) {
      throw ProblemException.badRequest(
          "a service must give expiresAt: its mode is a lease it renews");
    }
    OpsState state =
        actor.person()
            ? write(request.mode(), request.reason(), actor.name(), lease)
            : writeAsService(request.mode(), request.reason(), actor.name(), lease);
    audit.record(
        actor.name(),
        "maintenance.mode-set",
        Map.of(
            "mode", request.mode().wireValue(),
            "reason", request.reason(),
            "leaseExpiresAt", request.expiresAt() == null ? "" : request.expiresAt().toString()));
    return MaintenanceView.of(state, now);
  }

  /** Sets the mode for rollback-orchestrator's own procedures (no lease: it resumes by itself). */
  public void setOwnMode(Mode mode, String reason) {
    write(mode, reason, Actor.SELF.name(), Optional.empty());
    audit.record(
        Actor.SELF.name(),
        "maintenance.mode-set",
        Map.of("mode", mode.wireValue(), "reason", reason));
  }

  /** Returns to normal only if this service set the current mode (never undoes a person's). */
  public boolean clearOwnMode(String reason) {
    try {
      boolean cleared = writer.clearMode(Actor.SELF.name(), reason);
      if (cleared) {
        audit.record(Actor.SELF.name(), "maintenance.mode-cleared", Map.of("reason", reason));
      }
      return cleared;
    } catch (KubernetesClientException e) {
      throw ProblemException.unavailable(
          "cannot write the ops-state ConfigMap: " + e.getMessage(), Duration.ofSeconds(5));
    }
  }

  public MaintenanceView current() {
    return MaintenanceView.of(state(), Instant.now(clock));
  }

  public OpsStateView opsState() {
    return OpsStateView.of(state(), Instant.now(clock));
  }

  /** The watcher's view once it has synced, the ConfigMap read directly before. */
  public OpsState state() {
    if (watcher.hasSynced()) {
      return watcher.current();
    }
    try {
      return writer.read();
    } catch (KubernetesClientException e) {
      throw ProblemException.unavailable(
          "cannot read the ops-state ConfigMap: " + e.getMessage(), Duration.ofSeconds(5));
    }
  }

  @Scheduled(
      every = "${clinicalops.rollback-orchestrator.maintenance.lease-sweep-interval:1s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      identity = "mode-lease-sweeper")
  void sweepExpiredLease() {
    try {
      if (!watcher.hasSynced()) {
        return;
      }
      ModeSetting setting = watcher.current().modeSetting();
      Instant now = Instant.now(clock);
      if (setting.mode() == Mode.NORMAL || !setting.isLeased() || setting.isInForce(now)) {
        return;
      }
      String expired = setting.leaseExpiresAt().map(Instant::toString).orElse("");
      String reason =
          "lease of " + setting.mode().wireValue() + " set by " + setting.setBy() + " ran out";
      boolean[] written = {false};
      writer.update(
          data -> {
            written[0] = false;
            if (expired.equals(data.get(OpsStateKeys.MODE_LEASE_EXPIRES_AT))) {
              data.put(OpsStateKeys.MODE, Mode.NORMAL.wireValue());
              data.put(OpsStateKeys.MODE_REASON, reason);
              data.put(OpsStateKeys.MODE_SET_BY, Actor.SELF.name());
              data.put(OpsStateKeys.MODE_SINCE, now.toString());
              data.remove(OpsStateKeys.MODE_LEASE_EXPIRES_AT);
              written[0] = true;
            }
          });
      if (written[0]) {
        LOG.info(reason + ": mode written back to normal");
        Map<String, Object> details = new HashMap<>();
        details.put("expiredMode", setting.mode().wireValue());
        details.put("setBy", setting.setBy());
        details.put("leaseExpiresAt", expired);
        audit.record(Actor.SELF.name(), "maintenance.lease-expired", details);
      }
    } catch (RuntimeException e) {
      LOG.warnf("lease sweep failed, retried at the next tick: %s", e.getMessage());
    }
  }

  /** The lease rule ({@link ModeSetting#changeableBy}) checked and written in one step. */
  private OpsState writeAsService(
      Mode mode, String reason, String service, Optional<Duration> lease) {
    try {
      return writer
          .setModeAsService(mode, reason, service, lease)
          .orElseThrow(() -> refusedBy(writer.read().modeSetting()));
    } catch (KubernetesClientException e) {
      throw ProblemException.unavailable(
          "cannot write the ops-state ConfigMap: " + e.getMessage(), Duration.ofSeconds(5));
    }
  }

  private static ProblemException refusedBy(ModeSetting current) {
    return ProblemException.conflict(
        "mode "
            + current.mode().wireValue()
            + " was set by "
            + current.setBy()
            + current.leaseExpiresAt().map(t -> " with a lease until " + t).orElse("")
            + ": only its setter, an operator or the lease's expiry may lift it");
  }

  private OpsState write(Mode mode, String reason, String setBy, Optional<Duration> lease) {
    try {
      return writer.setMode(mode, reason, setBy, lease);
    } catch (KubernetesClientException e) {
      throw ProblemException.unavailable(
          "cannot write the ops-state ConfigMap: " + e.getMessage(), Duration.ofSeconds(5));
    }
  }
}
