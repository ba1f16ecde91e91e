package health.clinicalops.auditkeeper.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.auditkeeper.config.AuditKeeperConfig;
import health.clinicalops.auditkeeper.domain.AuditRecord;
import health.clinicalops.auditkeeper.domain.QuarantinedEvent;
import health.clinicalops.auditkeeper.domain.SpooledEvent;
import health.clinicalops.opskit.durable.SpoolFile;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Where spooled records go that can never be stored: an fsync'd {@link SpoolFile} of {@link
 * QuarantinedEvent}s beside the spool. Nothing is deleted; an operator reads them with {@link
 * #list} (GET /api/v1/audit/quarantine) and decides what to do.
 */
@ApplicationScoped
public class AuditQuarantine {

  static final String FILE_NAME = "audit-events.quarantine";

  private final AuditKeeperConfig config;
  private final ObjectMapper mapper;
  private final Clock clock;
  private SpoolFile file;
  private long count;

  AuditQuarantine(AuditKeeperConfig config, ObjectMapper mapper, Clock clock) {
    this.config = config;
    this.mapper = mapper;
    this.clock = clock;
  }

  @PostConstruct
  void open() {
    try {
      file = SpoolFile.open(config.spool().directory().resolve(FILE_NAME));
      count = file.count(0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the audit quarantine", e);
    }
  }

  @PreDestroy
  void close() throws IOException {
    file.close();
  }

  /** Sets the event aside durably; once this returns it survives a crash. */
  public synchronized void put(AuditRecord event, String reason) throws IOException {
    append(
        new QuarantinedEvent(
            clock.instant(), reason, SpooledEvent.of(event, clock.instant()), null));
  }

  /** Sets aside a spool record that does not read as an event, as raw bytes. */
  public synchronized void putUnreadable(byte[] payload, String reason) throws IOException {
    append(
        new QuarantinedEvent(
            clock.instant(), reason, null, Base64.getEncoder().encodeToString(payload)));
  }

  private void append(QuarantinedEvent entry) throws IOException {
    file.append(List.of(mapper.writeValueAsBytes(entry)));
    count++;
  }

  /** Up to {@code max} quarantined records, oldest first. */
  public synchronized List<QuarantinedEvent> list(int max) throws IOException {
    List<QuarantinedEvent> entries = new ArrayList<>();
    for (SpoolFile.Entry e : file.read(0, max)) {
      entries.add(mapper.readValue(e.payload(), QuarantinedEvent.class));
    }
    return entries;
  }

  public synchronized long count() {
    return count;
  }

  public Path path() {
    return file.path();
  }
}
