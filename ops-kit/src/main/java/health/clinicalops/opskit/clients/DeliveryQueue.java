package health.clinicalops.opskit.clients;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Delivers items to a peer service in order on one background thread, so a caller never waits on
 * (or fails with) the peer. A failed delivery stays at the head and is retried with backoff; items
 * are idempotent (audit ids, incident dedup keys), so a retry after a lost answer is harmless.
 * Items are kept in memory: a full queue refuses new items and counts them as dropped.
 */
final class DeliveryQueue<T> {

  private static final Logger LOG = Logger.getLogger(DeliveryQueue.class);

  private final String peer;
  private final Consumer<T> deliverer;
  private final OutboxConfig config;
  private final BlockingDeque<T> pending;
  private final Counter delivered;
  private final Counter failures;
  private final Counter dropped;
  private final Thread worker;
  private volatile boolean running = true;

  DeliveryQueue(String peer, Consumer<T> deliverer, OutboxConfig config, MeterRegistry registry) {
    this.peer = peer;
    this.deliverer = deliverer;
    this.config = config;
    this.pending = new LinkedBlockingDeque<>(config.capacity());
    String prefix = "clinicalops_outbox_";
    registry.gauge(
        prefix + "pending",
        java.util.List.of(io.micrometer.core.instrument.Tag.of("peer", peer)),
        pending,
        BlockingDeque::size);
    this.delivered = registry.counter(prefix + "delivered_total", "peer", peer);
    this.failures = registry.counter(prefix + "delivery_failures_total", "peer", peer);
    this.dropped = registry.counter(prefix + "dropped_total", "peer", peer);
    this.worker = new Thread(this::run, "outbox-" + peer);
    worker.setDaemon(true);
    worker.start();
  }

  boolean offer(T item) {
    if (pending.offerLast(item)) {
      return true;
    }
    dropped.increment();
    LOG.errorf("outbox to %s is full (%d items): an item was refused", peer, config.capacity());
    return false;
  }

  int size() {
    return pending.size();
  }

  void stop() {
    running = false;
    worker.interrupt();
  }

  private void run() {
    Duration backoff = config.initialBackoff();
    boolean failing = false;
    while (running) {
      try {
        T item = pending.pollFirst(1, TimeUnit.SECONDS);
        if (item == null) {
          continue;
        }
        try {
          deliverer.accept(item);
          delivered.increment();
          if (failing) {
            LOG.infof("%s reachable again; %d items still queued", peer, pending.size());
          }
          failing = false;
          backoff = config.initialBackoff();
        } catch (RuntimeException e) {
          pending.offerFirst(item);
          failures.increment();
          if (!failing) {
            LOG.warnf(
                "cannot deliver to %s (%s); queued items are kept and retried", peer, e.toString());
          }
          failing = true;
          Thread.sleep(backoff.toMillis());
          backoff = backoff.multipliedBy(2);
          if (backoff.compareTo(config.maxBackoff()) > 0) {
            backoff = config.maxBackoff();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
