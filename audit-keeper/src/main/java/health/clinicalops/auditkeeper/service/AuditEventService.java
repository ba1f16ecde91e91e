package health.clinicalops.auditkeeper.service;

import health.clinicalops.auditkeeper.config.AuditKeeperConfig;
import health.clinicalops.auditkeeper.domain.AuditEventPage;
import health.clinicalops.auditkeeper.domain.QuarantinedEvent;
import health.clinicalops.auditkeeper.domain.StoredAuditEvent;
import health.clinicalops.auditkeeper.domain.VerificationReport;
import health.clinicalops.auditkeeper.domain.WriteReceipt;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.opskit.security.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/** What the REST layer asks of audit-keeper: write, review and verify audit events. */
@ApplicationScoped
public class AuditEventService {

  private final AuditEventParser parser;
  private final AuditWriter writer;
  private final AuditLogRepository repository;
  private final ChainVerifier verifier;
  private final AuditQuarantine quarantine;
  private final TamperAlarm tamperAlarm;
  private final AuditKeeperConfig config;

  AuditEventService(
      AuditEventParser parser,
      AuditWriter writer,
      AuditLogRepository repository,
      ChainVerifier verifier,
      AuditQuarantine quarantine,
      TamperAlarm tamperAlarm,
      AuditKeeperConfig config) {
    this.parser = parser;
    this.writer = writer;
    this.repository = repository;
    this.verifier = verifier;
    this.quarantine = quarantine;
    this.tamperAlarm = tamperAlarm;
    this.config = config;
  }

  /**
   * Parses and durably stores a body; {@code ndjson} selects one event a line; {@code caller} is
   * recorded in each event as who delivered it.
   */
  public WriteReceipt record(String body, boolean ndjson, Caller caller) {
    if (body == null || body.isBlank()) {
      throw ProblemException.badRequest("the body is empty; send an audit event");
    }
    return writer.write(ndjson ? parser.parseNdjson(body, caller) : parser.parseJson(body, caller));
  }

  public AuditEventPage search(
      String userId, String action, String from, String to, int page, int size) {
    if (page < 0 || size < 1 || size > config.database().maxPageSize()) {
      throw ProblemException.badRequest(
          "page must be >= 0 and size between 1 and " + config.database().maxPageSize());
    }
    try {
      return repository.search(
          blankToNull(userId),
          blankToNull(action),
          instant("from", from),
          instant("to", to),
          page,
          size);
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  public Optional<StoredAuditEvent> find(String id) {
    try {
      return repository.find(id);
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  public VerificationReport verify(String from, String to) {
    try {
      VerificationReport report = verifier.verify(instant("from", from), instant("to", to));
      if (!report.valid()) {
        tamperAlarm.chainBroken(report, "a verification asked for by an operator");
      }
      return report;
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  /** The quarantined events, oldest first, at most {@code limit}. */
  public List<QuarantinedEvent> quarantined(int limit) {
    if (limit < 1 || limit > config.database().maxPageSize()) {
      throw ProblemException.badRequest(
          "limit must be between 1 and " + config.database().maxPageSize());
    }
    try {
      return quarantine.list(limit);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the quarantine " + quarantine.path(), e);
    }
  }

  private static ProblemException unavailable(SQLException e) {
    return ProblemException.unavailable(
        "the audit database cannot be read now (" + AuditWriter.describe(e) + ")",
        Duration.ofSeconds(30));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private static Instant instant(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw ProblemException.badRequest(
          name + " must be an ISO-8601 date-time with offset, e.g. 2026-01-16T10:00:00Z");
    }
  }
}
