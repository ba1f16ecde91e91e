package health.clinicalops.auditkeeper.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.auditkeeper.config.AuditKeeperConfig;
import health.clinicalops.auditkeeper.domain.AuditRecord;
import health.clinicalops.auditkeeper.domain.SpooledEvent;
import health.clinicalops.opskit.durable.DurableFiles;
import health.clinicalops.opskit.durable.SpoolFile;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The local spool of accepted events that the database could not take yet: an fsync'd {@link
 * SpoolFile} plus a replay cursor (the offset up to which records are in the database), replaced
 * atomically. The cursor file is a hint, not a promise: after a crash records may be replayed
 * again, which the idempotent ids make harmless.
 */
@ApplicationScoped
public class EventSpool {

  static final String FILE_NAME = "audit-events.spool";
  static final String CURSOR_NAME = "audit-events.cursor";

  /**
   * A batch read for replay: the events, the records that are intact on disk but do not read as an
   * event (a format no version of audit-keeper wrote), and the offset just past the last of them.
   */
  public record Batch(List<AuditRecord> events, List<Unreadable> unreadable, long end) {

    public boolean isEmpty() {
      return events.isEmpty() && unreadable.isEmpty();
    }

    public int size() {
      return events.size() + unreadable.size();
    }
  }

  /** A spool record that does not parse as an event, with why. */
  public record Unreadable(byte[] payload, String reason) {}

  private final AuditKeeperConfig config;
  private final ObjectMapper mapper;
  private final Clock clock;
  private SpoolFile file;
  private Path cursorFile;
  private long cursor;
  private long depth;
  private Instant oldestSpooledAt;

  EventSpool(AuditKeeperConfig config, ObjectMapper mapper, Clock clock) {
    this.config = config;
    this.mapper = mapper;
    this.clock = clock;
  }

  @PostConstruct
  void open() {
    try {
      Path dir = config.spool().directory();
      file = SpoolFile.open(dir.resolve(FILE_NAME));
      cursorFile = dir.resolve(CURSOR_NAME);
      cursor = DurableFiles.readOffset(cursorFile);
      if (cursor > file.end()) {
        cursor = 0;
      }
      depth = file.count(cursor);
      oldestSpooledAt = depth == 0 ? null : firstAt(cursor);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the audit spool", e);
    }
  }

  @PreDestroy
  void close() throws IOException {
    file.close();
  }

  /** Appends the events and forces them to disk; once this returns they survive a crash. */
  public synchronized void append(List<AuditRecord> events) throws IOException {
    Instant now = clock.instant();
    List<byte[]> payloads = new ArrayList<>(events.size());
    for (AuditRecord r : events) {
      payloads.add(mapper.writeValueAsBytes(SpooledEvent.of(r, now)));
    }
    file.append(payloads);
    if (depth == 0) {
      oldestSpooledAt = now;
    }
    depth += events.size();
  }

  /** Up to {@code max} events after the cursor, in the order they were spooled. */
  public synchronized Batch next(int max) throws IOException {
    List<AuditRecord> events = new ArrayList<>();
    List<Unreadable> unreadable = new ArrayList<>();
    long end = cursor;
    for (SpoolFile.Entry e : file.read(cursor, max)) {
      try {
        events.add(mapper.readValue(e.payload(), SpooledEvent.class).record());
      } catch (IOException notAnEvent) {
        unreadable.add(new Unreadable(e.payload(), AuditWriter.describe(notAnEvent)));
      }
      end = e.end();
    }
    return new Batch(events, unreadable, end);
  }

  /** The batch is in the database: move the cursor past it. */
  public synchronized void replayed(Batch batch) throws IOException {
    cursor = batch.end();
    depth = Math.max(0, depth - batch.size());
    oldestSpooledAt = depth == 0 ? null : firstAt(cursor);
    writeCursor();
  }

  /**
   * Empties the spool if every record was replayed; the caller holds the writer lock so no append
   * can slip in between. Returns true when the spool is (now) empty.
   */
  public synchronized boolean clearIfDrained() throws IOException {
    if (cursor < file.end()) {
      return false;
    }
    file.clear();
    cursor = 0;
    depth = 0;
    oldestSpooledAt = null;
    writeCursor();
    return true;
  }

  public synchronized boolean isEmpty() {
    return depth == 0 && cursor >= file.end();
  }

  public synchronized long depth() {
    return depth;
  }

  public synchronized Optional<Duration> oldestAge() {
    return oldestSpooledAt == null
        ? Optional.empty()
        : Optional.of(Duration.between(oldestSpooledAt, clock.instant()));
  }

  public Path path() {
    return file.path();
  }

  public long droppedTailBytesAtStart() {
    return file.droppedTailBytes();
  }

  private void writeCursor() throws IOException {
    DurableFiles.writeOffset(cursorFile, cursor);
  }

  /** When the record at {@code offset} was spooled; now when it does not read as an event. */
  private Instant firstAt(long offset) throws IOException {
    List<SpoolFile.Entry> first = file.read(offset, 1);
    if (first.isEmpty()) {
      return null;
    }
    try {
      return mapper.readValue(first.get(0).payload(), SpooledEvent.class).spooledAt();
    } catch (IOException notAnEvent) {
      return clock.instant();
    }
  }
}
