package health.clinicalops.opskit.clients;

import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.opskit.durable.DurableFiles;
import health.clinicalops.opskit.durable.SpoolFile;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.WebApplicationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Items for one peer service, kept on disk in order until the peer has taken them: an item added
 * survives a crash of this process (fsync'd before {@link #add} returns), so a restart delivers
 * what was pending. Delivery is at least once — a crash between a delivery and the cursor write
 * repeats it — so items carry an idempotency key that the receiver checks (audit ids, incident
 * report ids).
 *
 * <p>An item the peer refuses for good (a 4xx other than 401, 408 and 429: it will never be taken
 * as it is) goes to a dead-letter file with a WARN and a metric, and the items behind it go on. Any
 * other failure (the peer down, slow, or answering 5xx) keeps the item at the head and backs off,
 * doubling up to a cap. A 401 is not the item's fault but the token's (a rolling upgrade that
 * changes tokens, a rotation half done): the items wait for it to be put right.
 */
final class DurableOutbox<T> implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(DurableOutbox.class);
  private static final int READ_BATCH = 100;

  private final String peer;
  private final Class<T> type;
  private final ObjectMapper mapper;
  private final OutboxConfig config;
  private final SpoolFile items;
  private final SpoolFile deadLetters;
  private final Path cursorFile;
  private final Counter delivered;
  private final Counter failures;
  private final Counter dropped;
  private final Counter deadLettered;
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();

  private final ReentrantLock delivering = new ReentrantLock();
  private long cursor;
  private long pending;
  private Duration backoff;

  /** {@link System#nanoTime()} before which no delivery is tried (monotonic, unlike a clock). */
  private volatile long nextAttemptNanos = System.nanoTime();

  private boolean failing;

  DurableOutbox(
      String peer,
      Class<T> type,
      ObjectMapper mapper,
      OutboxConfig config,
      MeterRegistry registry) {
    this.peer = peer;
    this.type = type;
    this.mapper = mapper;
    this.config = config;
    this.registry = registry;
    this.backoff = config.initialBackoff();
    Path directory = config.directory().resolve(peer);
    try {
      items = SpoolFile.open(directory.resolve("pending.log"));
      deadLetters = SpoolFile.open(directory.resolve("dead-letters.log"));
      cursorFile = directory.resolve("pending.cursor");
      cursor = DurableFiles.readOffset(cursorFile);
      if (cursor > items.end()) {
        cursor = 0;
      }
      pending = items.count(cursor);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the outbox to " + peer + " in " + directory, e);
    }
    if (pending > 0) {
      LOG.infof("outbox to %s: %d items from before the restart will be delivered", peer, pending);
    }
    String prefix = "clinicalops_outbox_";
    keep(
        Gauge.builder(prefix + "pending", this, DurableOutbox::pending)
            .description("Items kept on disk for the peer, not delivered yet")
            .tag("peer", peer)
            .register(registry));
    delivered =
        keep(
            Counter.builder(prefix + "delivered_total")
                .description("Items the peer has taken")
                .tag("peer", peer)
                .register(registry));
    failures =
        keep(
            Counter.builder(prefix + "delivery_failures_total")
                .description("Deliveries that failed and will be retried (peer down, slow or 5xx)")
                .tag("peer", peer)
                .register(registry));
    dropped =
        keep(
            Counter.builder(prefix + "dropped_total")
                .description("Items refused because the outbox was full or its disk failed")
                .tag("peer", peer)
                .register(registry));
    deadLettered =
        keep(
            Counter.builder(prefix + "dead_letters_total")
                .description("Items the peer refused for good (4xx), kept in dead-letters.log")
                .tag("peer", peer)
                .register(registry));
  }

  /** Keeps {@code item} durably for delivery; false (counted, logged) when it cannot. */
  boolean add(T item) {
    try {
      byte[] payload = mapper.writeValueAsBytes(item);
      synchronized (this) {
        if (pending >= config.capacity()) {
          dropped.increment();
          LOG.errorf("outbox to %s is full (%d items): an item was refused", peer, pending);
          return false;
        }
        items.append(List.of(payload));
        pending++;
      }
      return true;
    } catch (IOException e) {
      dropped.increment();
      LOG.errorf(e, "outbox to %s cannot keep an item on disk", peer);
      return false;
    }
  }

  /** {@link #add}s the item and, when kept, starts a delivery on {@code executor} at once. */
  boolean addAndSend(T item, Executor executor, Consumer<T> deliverer) {
    if (!add(item)) {
      return false;
    }
    executor.execute(() -> deliver(deliverer));
    return true;
  }

  /**
   * Delivers pending items in order until none is left or the peer fails; does nothing while
   * backing off, or when another delivery is running (it takes what is due).
   */
  void deliver(Consumer<T> deliverer) {
    if (System.nanoTime() - nextAttemptNanos < 0 || !delivering.tryLock()) {
      return;
    }
    try {
      while (true) {
        List<SpoolFile.Entry> batch = items.read(position(), READ_BATCH);
        if (batch.isEmpty()) {
          clearIfDrained();
          return;
        }
        for (SpoolFile.Entry entry : batch) {
          if (!deliverOne(entry, deliverer)) {
            return;
          }
        }
      }
    } catch (IOException e) {
      LOG.errorf(e, "outbox to %s cannot read or write its files", peer);
    } finally {
      delivering.unlock();
    }
  }

  /** Delivers or dead-letters one entry and moves past it; false when it must be retried later. */
  private boolean deliverOne(SpoolFile.Entry entry, Consumer<T> deliverer) throws IOException {
    T item;
    try {
      item = mapper.readValue(entry.payload(), type);
    } catch (IOException unreadable) {
      deadLetter(entry, "not a readable item: " + unreadable.getMessage());
      return true;
    }
    try {
      deliverer.accept(item);
    } catch (RuntimeException e) {
      int status = statusOf(e);
      if (refusedForGood(status)) {
        deadLetter(entry, "refused with HTTP " + status + ": " + e.getMessage());
        return true;
      }
      failures.increment();
      if (!failing) {
        LOG.warnf(
            "cannot deliver to %s (%s); %d items are kept on disk and retried", peer, e, pending);
      }
      failing = true;
      nextAttemptNanos = System.nanoTime() + backoff.toNanos();
      backoff = min(backoff.multipliedBy(2), config.maxBackoff());
      return false;
    }
    delivered.increment();
    if (failing) {
      LOG.infof("%s reachable again; %d items still pending", peer, pending - 1);
    }
    failing = false;
    backoff = config.initialBackoff();
    advance(entry.end());
    return true;
  }

  private static boolean refusedForGood(int status) {
    return status >= 400 && status < 500 && status != 401 && status != 408 && status != 429;
  }

  private void deadLetter(SpoolFile.Entry entry, String reason) throws IOException {
    Map<String, Object> letter =
        Map.of(
            "at",
            Instant.now().toString(),
            "peer",
            peer,
            "reason",
            reason,
            "item",
            new String(entry.payload(), StandardCharsets.UTF_8));
    deadLetters.append(List.of(mapper.writeValueAsBytes(letter)));
    deadLettered.increment();
    LOG.warnf(
        "%s refused an item for good (%s); it is kept in %s and the items behind it go on",
        peer, reason, deadLetters.path());
    advance(entry.end());
  }

  private synchronized long position() {
    return cursor;
  }

  private synchronized void advance(long end) throws IOException {
    cursor = end;
    pending = Math.max(0, pending - 1);
    DurableFiles.writeOffset(cursorFile, cursor);
  }

  private synchronized void clearIfDrained() throws IOException {
    if (cursor > 0 && cursor >= items.end()) {
      items.clear();
      cursor = 0;
      pending = 0;
      DurableFiles.writeOffset(cursorFile, 0);
    }
  }

  synchronized long pending() {
    return pending;
  }

  long deadLetterCount() throws IOException {
    return deadLetters.count(0);
  }

  private static int statusOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof WebApplicationException web && web.getResponse() != null) {
        return web.getResponse().getStatus();
      }
    }
    return -1;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }

  /**
   * Closes the files and removes this outbox's meters, so that an application restarted in the same
   * JVM (tests) registers meters bound to its own outbox, not to this closed one.
   */
  @Override
  public void close() throws IOException {
    meters.forEach(registry::remove);
    items.close();
    deadLetters.close();
  }
}
