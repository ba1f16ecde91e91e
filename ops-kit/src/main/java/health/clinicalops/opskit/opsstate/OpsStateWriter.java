package health.clinicalops.opskit.opsstate;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Changes the ops-state ConfigMap with optimistic concurrency: every write carries the
 * resourceVersion it read, and a conflict (another writer got there first) re-reads and re-applies
 * the change, so two services writing at once both keep their change. The calls to the cluster API
 * go through {@link OpsStateCalls} (timeouts, circuit breakers).
 */
@ApplicationScoped
public class OpsStateWriter {

  private static final Logger LOG = Logger.getLogger(OpsStateWriter.class);

  private final KubernetesClient client;
  private final OpsStateCalls calls;
  private final OpsStateConfig config;
  private final Clock clock;

  OpsStateWriter(KubernetesClient client, OpsStateCalls calls, OpsStateConfig config, Clock clock) {
    this.client = client;
    this.calls = calls;
    this.config = config;
    this.clock = clock;
  }

  /**
   * Applies {@code change} to a copy of the current data and writes it back. The change may run
   * more than once (once per conflict), so it must only depend on the map it is given.
   *
   * @return the state as written (or as found, when the change altered nothing)
   */
  public OpsState update(Consumer<Map<String, String>> change) {
    for (int attempt = 0; attempt <= config.maxConflictRetries(); attempt++) {
      ConfigMap existing = calls.read(namespace(), config.configMapName());
      Map<String, String> data = new HashMap<>();
      if (existing != null && existing.getData() != null) {
        data.putAll(existing.getData());
      }
      Map<String, String> before = Map.copyOf(data);
      change.accept(data);
      if (existing != null && before.equals(data)) {
        return OpsState.fromData(data);
      }
      try {
        calls.write(
            existing == null
                ? new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName(config.configMapName())
                    .withNamespace(namespace())
                    .endMetadata()
                    .withData(data)
                    .build()
                : new ConfigMapBuilder(existing).withData(data).build());
        return OpsState.fromData(data);
      } catch (ResourceVersionConflict e) {
        LOG.debugf("ops-state write conflict (attempt %d), re-reading", attempt + 1);
      }
    }
    throw new OpsStateConflictException(
        "ops-state ConfigMap still conflicting after " + config.maxConflictRetries() + " retries");
  }

  /** Sets the mode. {@code lease} present for automation (renew it), absent for a person. */
  public OpsState setMode(Mode mode, String reason, String setBy, Optional<Duration> lease) {
    Instant now = Instant.now(clock);
    return update(data -> writeMode(data, mode, reason, setBy, lease, now));
  }

  private static void writeMode(
      Map<String, String> data,
      Mode mode,
      String reason,
      String setBy,
      Optional<Duration> lease,
      Instant now) {
    data.put(OpsStateKeys.MODE, mode.wireValue());
    data.put(OpsStateKeys.MODE_REASON, Objects.requireNonNullElse(reason, ""));
    data.put(OpsStateKeys.MODE_SET_BY, setBy);
    data.put(OpsStateKeys.MODE_SINCE, now.toString());
    lease.ifPresentOrElse(
        l -> data.put(OpsStateKeys.MODE_LEASE_EXPIRES_AT, now.plus(l).toString()),
        () -> data.remove(OpsStateKeys.MODE_LEASE_EXPIRES_AT));
  }

  /**
   * Sets the mode as a service, checked and written in one step against the ConfigMap as it is (not
   * as a cache saw it): refused, and nothing written, when {@link ModeSetting#changeableBy} does
   * not allow it.
   *
   * @return the state as written, or empty when refused
   */
  public Optional<OpsState> setModeAsService(
      Mode mode, String reason, String service, Optional<Duration> lease) {
    Instant now = Instant.now(clock);
    boolean[] allowed = {false};
    OpsState state =
        update(
            data -> {
              allowed[0] = OpsState.fromData(data).modeSetting().changeableBy(service, mode, now);
              if (allowed[0]) {
                writeMode(data, mode, reason, service, lease, now);
              }
            });
    return allowed[0] ? Optional.of(state) : Optional.empty();
  }

  /**
   * Extends the lease of the mode {@code setBy} set. Does nothing (and returns false) when someone
   * else has set the mode since: a renewal never takes a mode back from another setter.
   */
  public boolean renewModeLease(String setBy, Duration lease) {
    Instant expiresAt = Instant.now(clock).plus(lease);
    boolean[] renewed = {false};
    update(
        data -> {
          renewed[0] = false;
          if (setBy.equals(data.get(OpsStateKeys.MODE_SET_BY))
              && data.containsKey(OpsStateKeys.MODE_LEASE_EXPIRES_AT)) {
            data.put(OpsStateKeys.MODE_LEASE_EXPIRES_AT, expiresAt.toString());
            renewed[0] = true;
          }
        });
    return renewed[0];
  }

  /**
   * Returns the mode to normal, but only if {@code setBy} set the current mode: clearing never
   * undoes a mode somebody else set afterwards.
   */
  public boolean clearMode(String setBy, String reason) {
    Instant now = Instant.now(clock);
    boolean[] cleared = {false};
    update(
        data -> {
          cleared[0] = false;
          if (setBy.equals(data.get(OpsStateKeys.MODE_SET_BY))) {
            data.put(OpsStateKeys.MODE, Mode.NORMAL.wireValue());
            data.put(OpsStateKeys.MODE_REASON, Objects.requireNonNullElse(reason, ""));
            data.put(OpsStateKeys.MODE_SINCE, now.toString());
            data.remove(OpsStateKeys.MODE_LEASE_EXPIRES_AT);
            cleared[0] = true;
          }
        });
    return cleared[0];
  }

  public OpsState setDatabaseTarget(DatabaseTarget target) {
    return update(data -> data.put(OpsStateKeys.DATABASE_TARGET, target.wireValue()));
  }

  public OpsState putRateLimitOverride(RateLimitOverride override) {
    return update(
        data -> data.put(OpsStateKeys.rateLimitOverride(override.policy()), override.toWire()));
  }

  public OpsState removeRateLimitOverride(String policy) {
    return update(data -> data.remove(OpsStateKeys.rateLimitOverride(policy)));
  }

  /** Reads the ConfigMap now, bypassing the informer's cache. */
  public OpsState read() {
    ConfigMap existing = calls.read(namespace(), config.configMapName());
    return existing == null ? OpsState.EMPTY : OpsState.fromData(existing.getData());
  }

  private String namespace() {
    return config.namespace().orElseGet(client::getNamespace);
  }
}
