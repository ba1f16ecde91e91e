package health.clinicalops.opskit.opsstate;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Follows the ops-state ConfigMap with an informer and hands every change to the service as an
 * {@link OpsStateChanged} event, typically within a few hundred milliseconds of the write. Also
 * notices when an automated mode's lease runs out, which no write announces.
 */
@ApplicationScoped
public class OpsStateWatcher {

  private static final Logger LOG = Logger.getLogger(OpsStateWatcher.class);

  private final KubernetesClient client;
  private final OpsStateConfig config;
  private final Event<OpsStateChanged> changes;
  private final Clock clock;

  private volatile OpsState current = OpsState.EMPTY;
  private volatile Mode lastAnnouncedMode = Mode.NORMAL;
  private volatile SharedIndexInformer<ConfigMap> informer;
  private ScheduledExecutorService leaseTicker;

  OpsStateWatcher(
      KubernetesClient client, OpsStateConfig config, Event<OpsStateChanged> changes, Clock clock) {
    this.client = client;
    this.config = config;
    this.changes = changes;
    this.clock = clock;
  }

  void onStart(@Observes StartupEvent startup) {
    if (!config.watch()) {
      LOG.info("ops-state watch disabled by configuration");
      return;
    }
    start();
  }

  void onStop(@Observes ShutdownEvent shutdown) {
    stop();
  }

  synchronized void start() {
    if (informer != null) {
      return;
    }
    String namespace = namespace();
    // Started without waiting for the first list: a cluster API that is down at start-up delays
    // readiness (the informer keeps retrying) instead of failing the service.
    informer =
        client
            .configMaps()
            .inNamespace(namespace)
            .withName(config.configMapName())
            .runnableInformer(config.resync().toMillis());
    informer.addEventHandler(new Handler());
    informer.start();
    leaseTicker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ops-state-lease-ticker");
              t.setDaemon(true);
              return t;
            });
    long periodMs = config.leaseCheckInterval().toMillis();
    leaseTicker.scheduleAtFixedRate(
        this::announceLeaseExpiry, periodMs, periodMs, TimeUnit.MILLISECONDS);
    LOG.infof("watching ConfigMap %s/%s", namespace, config.configMapName());
  }

  synchronized void stop() {
    if (informer != null) {
      informer.close();
      informer = null;
    }
    if (leaseTicker != null) {
      leaseTicker.shutdownNow();
      leaseTicker = null;
    }
  }

  /** The last state seen; {@link OpsState#EMPTY} (all defaults) before the first sync. */
  public OpsState current() {
    return current;
  }

  public Mode effectiveMode() {
    return current.effectiveMode(Instant.now(clock));
  }

  /** True while the informer runs and its watch is connected; the basis of the health checks. */
  public boolean isWatching() {
    SharedIndexInformer<ConfigMap> running = informer;
    return running != null && running.isRunning() && running.isWatching();
  }

  public boolean hasSynced() {
    SharedIndexInformer<ConfigMap> running = informer;
    return running != null && running.hasSynced();
  }

  public boolean isEnabled() {
    return config.watch();
  }

  public String namespace() {
    return config.namespace().orElseGet(client::getNamespace);
  }

  private synchronized void accept(OpsState next) {
    OpsState previous = current;
    current = next;
    Mode mode = next.effectiveMode(Instant.now(clock));
    lastAnnouncedMode = mode;
    if (!next.problems().isEmpty()) {
      LOG.warnf("ops-state ConfigMap has problems: %s", next.problems());
    }
    changes.fire(new OpsStateChanged(previous, next, mode));
  }

  private synchronized void announceLeaseExpiry() {
    try {
      Mode mode = current.effectiveMode(Instant.now(clock));
      if (mode != lastAnnouncedMode) {
        LOG.infof(
            "mode %s set by %s: lease ran out, falling back to %s",
            current.modeSetting().mode().wireValue(),
            current.modeSetting().setBy(),
            mode.wireValue());
        lastAnnouncedMode = mode;
        changes.fire(new OpsStateChanged(current, current, mode));
      }
    } catch (RuntimeException e) {
      LOG.error("lease check failed", e);
    }
  }

  private void acceptData(ConfigMap configMap) {
    OpsState next;
    try {
      next = OpsState.fromData(configMap.getData());
    } catch (RuntimeException e) {
      // fromData reports bad values instead of throwing; should it throw all the same, the last
      // good state stays and the next change is still applied.
      LOG.error("ops-state ConfigMap could not be read, keeping the last state", e);
      return;
    }
    accept(next);
  }

  private final class Handler implements ResourceEventHandler<ConfigMap> {
    @Override
    public void onAdd(ConfigMap configMap) {
      acceptData(configMap);
    }

    @Override
    public void onUpdate(ConfigMap oldConfigMap, ConfigMap newConfigMap) {
      acceptData(newConfigMap);
    }

    @Override
    public void onDelete(ConfigMap configMap, boolean deletedFinalStateUnknown) {
      accept(OpsState.EMPTY);
    }
  }
}
