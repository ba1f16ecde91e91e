package health.clinicalops.dbsentinel.service;

import health.clinicalops.dbsentinel.clients.LeaseCalls;
import health.clinicalops.opskit.opsstate.ResourceVersionConflict;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * One writer among db-sentinel replicas, through a coordination.k8s.io/v1 Lease. Each replica calls
 * {@link #tryAcquireOrRenew()} once per probe: the holder renews, another replica takes the Lease
 * only once it has gone unrenewed for its duration. Every write carries the resourceVersion it
 * read, so of two replicas racing for a free Lease exactly one wins (the other gets 409). The calls
 * to the cluster API go through {@link LeaseCalls} (timeouts, circuit breakers).
 */
public final class LeaseElection {

  private static final Logger LOG = Logger.getLogger(LeaseElection.class);

  /** The holder renews this many times per lease duration, so one lost renewal is harmless. */
  private static final int RENEWALS_PER_DURATION = 3;

  private final LeaseCalls calls;
  private final String namespace;
  private final String leaseName;
  private final String identity;
  private final Duration leaseDuration;
  private final Clock clock;
  private volatile boolean leader;

  public LeaseElection(
      LeaseCalls calls,
      String namespace,
      String leaseName,
      String identity,
      Duration leaseDuration,
      Clock clock) {
    this.calls = calls;
    this.namespace = namespace;
    this.leaseName = leaseName;
    this.identity = identity;
    this.leaseDuration = leaseDuration;
    this.clock = clock;
  }

  public String identity() {
    return identity;
  }

  /** The result of the last {@link #tryAcquireOrRenew()}. */
  public boolean isLeader() {
    return leader;
  }

  /**
   * Renews the Lease if this replica holds it, takes it if it is free or expired, and otherwise
   * leaves it. Returns whether this replica may write now. A cluster API that cannot be reached
   * makes this replica a follower: without the API it could not write the ConfigMap either.
   */
  public synchronized boolean tryAcquireOrRenew() {
    boolean now;
    try {
      now = acquireOrRenew();
    } catch (ResourceVersionConflict e) {
      now = false;
    } catch (RuntimeException e) {
      LOG.warnf("Lease %s/%s: %s", namespace, leaseName, e.getMessage());
      now = false;
    }
    if (now != leader) {
      LOG.infof(
          "%s is %s of Lease %s/%s",
          identity, now ? "now the leader" : "a follower", namespace, leaseName);
    }
    leader = now;
    return now;
  }

  /** The current holder of the Lease, if any holds it. */
  public Optional<String> holder() {
    Lease lease = calls.read(namespace, leaseName);
    return Optional.ofNullable(lease)
        .map(Lease::getSpec)
        .map(s -> s.getHolderIdentity())
        .filter(h -> !h.isBlank());
  }

  /** Gives the Lease up (at shutdown) so another replica takes over without waiting. */
  public synchronized void release() {
    if (!leader) {
      return;
    }
    leader = false;
    try {
      Lease lease = calls.read(namespace, leaseName);
      if (lease != null && identity.equals(lease.getSpec().getHolderIdentity())) {
        Lease released =
            new LeaseBuilder(lease)
                .editSpec()
                .withHolderIdentity(null)
                .withLeaseDurationSeconds(1)
                .endSpec()
                .build();
        calls.write(released);
      }
    } catch (RuntimeException e) {
      LOG.debugf("releasing Lease %s failed: %s", leaseName, e.getMessage());
    }
  }

  private boolean acquireOrRenew() {
    ZonedDateTime now = ZonedDateTime.ofInstant(Instant.now(clock), ZoneOffset.UTC);
    int seconds = (int) Math.max(1, leaseDuration.toSeconds());
    Lease lease = calls.read(namespace, leaseName);
    if (lease == null) {
      Lease created =
          new LeaseBuilder()
              .withNewMetadata()
              .withName(leaseName)
              .withNamespace(namespace)
              .endMetadata()
              .withNewSpec()
              .withHolderIdentity(identity)
              .withLeaseDurationSeconds(seconds)
              .withAcquireTime(now)
              .withRenewTime(now)
              .withLeaseTransitions(0)
              .endSpec()
              .build();
      calls.write(created);
      return true;
    }
    String holder = lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    if (identity.equals(holder)) {
      ZonedDateTime renewedAt = lease.getSpec().getRenewTime();
      if (renewedAt != null
          && now.isBefore(renewedAt.plus(leaseDuration.dividedBy(RENEWALS_PER_DURATION)))) {
        return true;
      }
      Lease renewed =
          new LeaseBuilder(lease)
              .editSpec()
              .withRenewTime(now)
              .withLeaseDurationSeconds(seconds)
              .endSpec()
              .build();
      calls.write(renewed);
      return true;
    }
    if (holder != null && !holder.isBlank() && !expired(lease, now)) {
      return false;
    }
    int transitions = Objects.requireNonNullElse(lease.getSpec().getLeaseTransitions(), 0);
    Lease taken =
        new LeaseBuilder(lease)
            .editSpec()
            .withHolderIdentity(identity)
            .withLeaseDurationSeconds(seconds)
            .withAcquireTime(now)
            .withRenewTime(now)
            .withLeaseTransitions(transitions + 1)
            .endSpec()
            .build();
    calls.write(taken);
    return true;
  }

  private static boolean expired(Lease lease, ZonedDateTime now) {
    ZonedDateTime renewed = lease.getSpec().getRenewTime();
    Integer seconds = lease.getSpec().getLeaseDurationSeconds();
    if (renewed == null || seconds == null) {
      return true;
    }
    return !now.isBefore(renewed.plusSeconds(seconds));
  }
}
