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
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Follows the ops-state ConfigMap with an informer and hands every change to the service as an
 * {@link OpsStateChanged} event, typically within a few hundred milliseconds of the write. Also
 * notices when an automated mode's lease runs out, which no write announces.
 *
 * <p>When the cluster API cannot be reached the service keeps its last known state and keeps
 * enforcing it; {@link #freshness()} says so ({@code stale} and since when). The informer never
 * gives up: fabric8's default {@code ExceptionHandler} stops an informer for good when its first
 * list fails (a pod started during an API outage would never sync) and on a {@code
 * WatcherException}; ours retries every failure, with fabric8's backoff (the client's watch
 * reconnect interval, doubled up to 32 times it). A dropped watch is reconnected by fabric8's watch
 * manager itself, from the last resourceVersion, so changes made meanwhile arrive when the API is
 * back (or, if the API no longer has that version, with a fresh list).
 */
@ApplicationScoped
public class OpsStateWatcher {

  private static final Logger LOG = Logger.getLogger(OpsStateWatcher.class);

  /**
   * A gap shorter than this is not logged: fabric8 renews a healthy watch every 5 to 10 minutes,
   * which leaves it unconnected for about a second.
   */
  private static final Duration STALE_WARNING_AFTER = Duration.ofSeconds(10);

  private final KubernetesClient client;
  private final OpsStateConfig config;
  private final Event<OpsStateChanged> changes;
  private final Clock clock;

  private volatile OpsState current = OpsState.EMPTY;
  private volatile Mode lastAnnouncedMode = Mode.NORMAL;
  private volatile SharedIndexInformer<ConfigMap> informer;
  private ScheduledExecutorService leaseTicker;

  private final Object watchLock = new Object();
  // guarded by watchLock: the last time the watch was seen connected, and since when it is not
  private Instant lastSeenWatching;
  private Instant staleSince;
  private boolean warnedStale;
  private volatile Instant lastEventAt;
  private volatile boolean syncedOnce;

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
    synchronized (watchLock) {
      lastSeenWatching = null;
      staleSince = null;
      warnedStale = false;
    }
    lastEventAt = null;
    // Started without waiting for the first list: a cluster API that is down at start-up delays
    // readiness (the informer keeps retrying, see retryAfter) instead of failing the service.
    SharedIndexInformer<ConfigMap> created =
        client
            .configMaps()
            .inNamespace(namespace)
            .withName(config.configMapName())
            .runnableInformer(config.resync().toMillis());
    created.exceptionHandler(OpsStateWatcher::retryAfter);
    created.addEventHandler(new Handler());
    informer = created;
    created.start();
    leaseTicker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ops-state-lease-ticker");
              t.setDaemon(true);
              return t;
            });
    long periodMs = config.leaseCheckInterval().toMillis();
    leaseTicker.scheduleAtFixedRate(this::tick, periodMs, periodMs, TimeUnit.MILLISECONDS);
    LOG.infof("watching ConfigMap %s/%s", namespace, config.configMapName());
  }

  synchronized void stop() {
    SharedIndexInformer<ConfigMap> running = informer;
    if (running != null) {
      hasSynced(); // remembered: the last known state stays the state after the stop
      informer = null;
      running.close();
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

  /**
   * True while the informer runs and its watch is connected ({@code SharedIndexInformer#isWatching}
   * of fabric8: false while the watch is being re-established, after a lost connection, a 410 Gone
   * or fabric8's routine renewal of the watch every 5 to 10 minutes).
   */
  public boolean isWatching() {
    SharedIndexInformer<ConfigMap> running = informer;
    return running != null && running.isRunning() && watching(running);
  }

  /**
   * True once the informer has listed the ConfigMap once; stays true through later outages, and
   * after the watcher stopped (at shutdown): {@link #current()} is still the last known state, and
   * callers that read the ConfigMap directly before the first sync must not start doing so while
   * the application shuts down.
   */
  public boolean hasSynced() {
    if (syncedOnce) {
      return true;
    }
    SharedIndexInformer<ConfigMap> running = informer;
    if (running != null && running.hasSynced()) {
      syncedOnce = true;
      return true;
    }
    return false;
  }

  /**
   * True when the informer this watcher started has stopped although the watcher did not stop it
   * (fabric8's {@code SharedIndexInformer#stopped()} completed): no change will ever arrive again
   * and only a restart helps. Since this watcher's exception handler retries every failure, fabric8
   * (7.5) does not stop it on one: this is a safety net, not the state of a watch that reconnects.
   */
  public boolean hasStoppedForGood() {
    SharedIndexInformer<ConfigMap> running = informer;
    return running != null && running.stopped().toCompletableFuture().isDone();
  }

  /**
   * How current {@link #current()} is: whether the watch is connected and, once synced, since when
   * it is not ({@code staleSince}; the last time it was seen connected, checked every {@code
   * lease-check-interval}). Before the first sync nothing is stale: there is no state yet.
   */
  public OpsStateFreshness freshness() {
    SharedIndexInformer<ConfigMap> running = informer;
    boolean synced = hasSynced();
    boolean watching = running != null && running.isRunning() && watching(running);
    boolean stopped = running != null && running.stopped().toCompletableFuture().isDone();
    Instant now = Instant.now(clock);
    Instant since;
    boolean warn = false;
    Instant recoveredFrom = null;
    synchronized (watchLock) {
      if (watching) {
        recoveredFrom = warnedStale ? staleSince : null;
        warnedStale = false;
        lastSeenWatching = now;
        staleSince = null;
      } else if (synced) {
        if (staleSince == null) {
          staleSince = lastSeenWatching != null ? lastSeenWatching : now;
        }
        if (!warnedStale && !now.isBefore(staleSince.plus(STALE_WARNING_AFTER))) {
          warnedStale = true;
          warn = true;
        }
      }
      since = staleSince;
    }
    if (warn) {
      LOG.warnf(
          "ops-state watch not connected since %s: enforcing the last known state (mode %s) until"
              + " the cluster API answers again",
          since, current.effectiveMode(now).wireValue());
    } else if (recoveredFrom != null) {
      LOG.infof("ops-state watch connected again; it was not since %s", recoveredFrom);
    }
    return new OpsStateFreshness(
        synced, watching, Optional.ofNullable(since), Optional.ofNullable(lastEventAt), stopped);
  }

  /** The informer now running, or null; for the tests of this package. */
  SharedIndexInformer<ConfigMap> informer() {
    return informer;
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

  private void tick() {
    try {
      freshness();
    } catch (RuntimeException e) {
      LOG.error("ops-state watch check failed", e);
    }
    announceLeaseExpiry();
  }

  private static boolean watching(SharedIndexInformer<ConfigMap> running) {
    try {
      return running.isWatching();
    } catch (RuntimeException e) {
      // fabric8 7.5's Reflector.isWatching can throw while a watch is being torn down
      return false;
    }
  }

  /**
   * The informer's {@code ExceptionHandler}: retry after every failure, before the first sync too.
   * fabric8 logs each failure at WARN with "will retry".
   */
  private static boolean retryAfter(boolean started, Throwable failure) {
    return true;
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
      lastEventAt = Instant.now(clock);
      acceptData(configMap);
    }

    @Override
    public void onUpdate(ConfigMap oldConfigMap, ConfigMap newConfigMap) {
      // A resync re-delivers the cached object (same resourceVersion) without asking the API.
      if (!Objects.equals(resourceVersion(oldConfigMap), resourceVersion(newConfigMap))) {
        lastEventAt = Instant.now(clock);
      }
      acceptData(newConfigMap);
    }

    @Override
    public void onDelete(ConfigMap configMap, boolean deletedFinalStateUnknown) {
      lastEventAt = Instant.now(clock);
      accept(OpsState.EMPTY);
    }

    private String resourceVersion(ConfigMap configMap) {
      return configMap == null || configMap.getMetadata() == null
          ? null
          : configMap.getMetadata().getResourceVersion();
    }
  }
}
