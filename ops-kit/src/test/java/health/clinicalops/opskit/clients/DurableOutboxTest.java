package health.clinicalops.opskit.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.ws.rs.WebApplicationException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox over its files: order, restarts, dead letters, backoff and its bound. */
class DurableOutboxTest {

  @TempDir Path dir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ObjectMapper mapper = new ObjectMapper();
  private int capacity = 1000;
  private Duration initialBackoff = Duration.ZERO;

  record Item(String id) {}

  private DurableOutbox<Item> open() {
    OutboxConfig config =
        new OutboxConfig() {
          @Override
          public Path directory() {
            return dir;
          }

          @Override
          public int capacity() {
            return capacity;
          }

          @Override
          public Duration pollInterval() {
            return Duration.ofMillis(200);
          }

          @Override
          public MemorySize maxEvidenceSize() {
            return new MemorySize(BigInteger.valueOf(64 * 1024));
          }

          @Override
          public Duration initialBackoff() {
            return initialBackoff;
          }

          @Override
          public Duration maxBackoff() {
            return initialBackoff.multipliedBy(4);
          }
        };
    return new DurableOutbox<>("peer", Item.class, mapper, config, registry);
  }

  private static Consumer<Item> into(List<String> received) {
    return item -> received.add(item.id());
  }

  private static Consumer<Item> refusing(int status, String id, List<String> received) {
    return item -> {
      if (item.id().equals(id)) {
        throw new WebApplicationException(status);
      }
      received.add(item.id());
    };
  }

  private double counter(String name) {
    return registry.get("clinicalops_outbox_" + name).tag("peer", "peer").counter().count();
  }

  @Test
  void itemsArriveInOrderAndTheFileIsEmptiedOnceAllAreDelivered() throws IOException {
    List<String> received = new ArrayList<>();
    try (DurableOutbox<Item> outbox = open()) {
      for (int i = 0; i < 250; i++) {
        assertThat(outbox.add(new Item("i-" + i))).isTrue();
      }
      outbox.deliver(into(received));
      assertThat(received).hasSize(250).startsWith("i-0", "i-1").endsWith("i-249");
      assertThat(outbox.pending()).isZero();
      outbox.deliver(into(received));
    }
    assertThat(Files.size(dir.resolve("peer").resolve("pending.log"))).isZero();
    assertThat(received).hasSize(250);
  }

  @Test
  void whatWasPendingAtACrashIsDeliveredAfterTheRestartAndWhatWasDeliveredIsNotRepeated()
      throws IOException {
    List<String> received = new ArrayList<>();
    DurableOutbox<Item> first = open();
    for (int i = 0; i < 5; i++) {
      first.add(new Item("i-" + i));
    }
    // The peer takes two, then goes down: three stay pending when the process dies.
    first.deliver(
        item -> {
          if (received.size() == 2) {
            throw new WebApplicationException(503);
          }
          received.add(item.id());
        });
    first.close();

    try (DurableOutbox<Item> second = open()) {
      assertThat(second.pending()).isEqualTo(3);
      second.deliver(into(received));
      assertThat(second.pending()).isZero();
    }
    assertThat(received).containsExactly("i-0", "i-1", "i-2", "i-3", "i-4");
  }

  @Test
  void anItemRefusedForGoodIsDeadLetteredAndTheItemsBehindItGoOn() throws IOException {
    List<String> received = new ArrayList<>();
    try (DurableOutbox<Item> outbox = open()) {
      outbox.add(new Item("a"));
      outbox.add(new Item("too-big"));
      outbox.add(new Item("b"));
      outbox.deliver(refusing(413, "too-big", received));
      assertThat(received).containsExactly("a", "b");
      assertThat(outbox.pending()).isZero();
      assertThat(outbox.deadLetterCount()).isEqualTo(1);
      assertThat(counter("dead_letters_total")).isEqualTo(1);
    }
    String letters =
        new String(
            Files.readAllBytes(dir.resolve("peer").resolve("dead-letters.log")),
            java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(letters).contains("too-big").contains("HTTP 413");
  }

  @Test
  void aPeerThatFailsKeepsTheItemAtTheHeadAndIsNotCalledAgainUntilTheBackoffHasPassed()
      throws IOException {
    initialBackoff = Duration.ofHours(1);
    List<String> calls = new ArrayList<>();
    try (DurableOutbox<Item> outbox = open()) {
      outbox.add(new Item("a"));
      outbox.add(new Item("b"));
      Consumer<Item> down =
          item -> {
            calls.add(item.id());
            throw new WebApplicationException(503);
          };
      outbox.deliver(down);
      outbox.deliver(down);
      assertThat(calls).containsExactly("a");
      assertThat(outbox.pending()).isEqualTo(2);
      assertThat(counter("delivery_failures_total")).isEqualTo(1);
      assertThat(outbox.deadLetterCount()).isZero();
    }
  }

  /**
   * A 401 says the token is wrong, not the item (a rolling upgrade to per-service tokens, where an
   * old receiver does not know the new sender's token yet): the item waits, it is not lost.
   */
  @Test
  void timeoutsTooManyRequestsAndUnknownTokensAreRetriedNotDeadLettered() throws IOException {
    for (int status : new int[] {401, 408, 429, 500}) {
      List<String> received = new ArrayList<>();
      try (DurableOutbox<Item> outbox = open()) {
        outbox.add(new Item("x-" + status));
        outbox.deliver(refusing(status, "x-" + status, received));
        assertThat(outbox.pending()).as("HTTP %d", status).isEqualTo(1);
        assertThat(outbox.deadLetterCount()).isZero();
        outbox.deliver(into(received));
        assertThat(received).containsExactly("x-" + status);
      }
    }
  }

  @Test
  void aFullOutboxRefusesNewItemsAndCountsThem() throws IOException {
    capacity = 2;
    try (DurableOutbox<Item> outbox = open()) {
      assertThat(outbox.add(new Item("a"))).isTrue();
      assertThat(outbox.add(new Item("b"))).isTrue();
      assertThat(outbox.add(new Item("c"))).isFalse();
      assertThat(counter("dropped_total")).isEqualTo(1);
      assertThat(outbox.pending()).isEqualTo(2);
    }
  }
}
