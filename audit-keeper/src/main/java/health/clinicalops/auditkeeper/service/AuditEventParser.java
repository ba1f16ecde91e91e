package health.clinicalops.auditkeeper.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import health.clinicalops.auditkeeper.domain.AuditRecord;
import health.clinicalops.auditkeeper.domain.ReceivedFrom;
import health.clinicalops.opskit.ndjson.NdjsonReader;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.opskit.security.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a request body into validated audit records: one JSON object, a JSON array of objects, or
 * NDJSON (one object a line, blank lines ignored). A batch is all or nothing: the first bad event
 * refuses the whole request with a 400 naming its line, and nothing of it is stored, so a sender
 * can fix and resend it (ids make the resend idempotent).
 *
 * <p>Rules: {@code action} is required (non-blank); {@code id} is the idempotency key and is
 * generated when absent; {@code timestamp} is ISO-8601 (or epoch seconds) and defaults to now;
 * {@code details} must be a JSON object, or absent/null (stored as {@code {}}), or a string that
 * itself holds a JSON object (apps that stringify it). Anything else, e.g. a bare string that is
 * not a JSON object, a number or an array, is "details not JSON" and refused. Strings may not hold
 * U+0000, which PostgreSQL cannot store: accepting it would leave an event the database refuses
 * forever.
 *
 * <p>{@code details.receivedFrom} is set here, from the caller's token ({@code {"caller":
 * "auth-guard", "role": "service"}}), so every stored event says who delivered it; a value the
 * sender put there is replaced.
 */
@ApplicationScoped
public class AuditEventParser {

  static final int MAX_ID = 200;
  static final int MAX_TEXT = 500;
  static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  static final String RECEIVED_FROM = "receivedFrom";

  private final ObjectMapper mapper;

  AuditEventParser(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** Parses an {@code application/json} body: one event object or an array of them. */
  public List<AuditRecord> parseJson(String body, Caller caller) {
    JsonNode receivedFrom = receivedFrom(caller);
    JsonNode root = read(body, 0);
    List<AuditRecord> records = new ArrayList<>();
    if (root.isArray()) {
      int index = 0;
      for (JsonNode element : root) {
        index++;
        records.add(toRecord(element, "element " + index, receivedFrom));
      }
    } else {
      records.add(toRecord(root, "body", receivedFrom));
    }
    return checked(records);
  }

  /**
   * Parses an {@code application/x-ndjson} body: one event object a line. All or nothing: one bad
   * line refuses the whole body, because a sender resends a refused batch whole, and an event
   * without an id that was stored from it would then be stored a second time under a new id.
   */
  public List<AuditRecord> parseNdjson(String body, Caller caller) {
    JsonNode receivedFrom = receivedFrom(caller);
    NdjsonReader.Lines<JsonNode> lines = NdjsonReader.parse(body, mapper::readTree);
    if (!lines.bad().isEmpty()) {
      NdjsonReader.LineError first = lines.bad().get(0);
      throw malformed(first.line(), first.detail());
    }
    List<AuditRecord> records = new ArrayList<>(lines.good().size());
    for (NdjsonReader.Line<JsonNode> line : lines.good()) {
      records.add(toRecord(line.value(), "line " + line.number(), receivedFrom));
    }
    return checked(records);
  }

  private List<AuditRecord> checked(List<AuditRecord> records) {
    if (records.isEmpty()) {
      throw invalid("the body holds no audit event");
    }
    Set<String> ids = new HashSet<>();
    List<AuditRecord> unique = new ArrayList<>(records.size());
    for (AuditRecord r : records) {
      // The same id twice in one batch is one event (the first one wins, as across batches).
      if (ids.add(r.id())) {
        unique.add(r);
      }
    }
    return unique;
  }

  /** The same for every event of one request: made once, not once per event of a batch. */
  private JsonNode receivedFrom(Caller caller) {
    return mapper.valueToTree(ReceivedFrom.of(caller));
  }

  private JsonNode read(String text, int line) {
    try {
      JsonNode node = mapper.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw malformed(line, "empty JSON");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw malformed(line, e.getOriginalMessage());
    }
  }

  private AuditRecord toRecord(JsonNode node, String where, JsonNode receivedFrom) {
    if (!(node instanceof ObjectNode event)) {
      throw invalid(where + ": an audit event must be a JSON object");
    }
    String action = text(event, "action", where, MAX_TEXT).orElse(null);
    if (action == null || action.isBlank()) {
      throw invalid(where + ": action is required");
    }
    String id = text(event, "id", where, MAX_ID).orElseGet(() -> UUID.randomUUID().toString());
    if (id.isBlank()) {
      throw invalid(where + ": id must not be blank");
    }
    String userId = text(event, "userId", where, MAX_TEXT).orElse(null);
    String ipAddress = text(event, "ipAddress", where, MAX_TEXT).orElse(null);
    return new AuditRecord(
        id,
        userId,
        action,
        details(event.get("details"), where, receivedFrom),
        timestamp(event, where),
        ipAddress);
  }

  private Optional<String> text(ObjectNode event, String field, String where, int max) {
    JsonNode value = event.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw invalid(where + ": " + field + " must be a string");
    }
    String text = value.textValue();
    if (text.length() > max) {
      throw invalid(where + ": " + field + " is longer than " + max + " characters");
    }
    if (text.indexOf('\u0000') >= 0) {
      throw invalid(where + ": " + field + " holds a NUL character");
    }
    return Optional.of(text);
  }

  private Instant timestamp(ObjectNode event, String where) {
    JsonNode value = event.get("timestamp");
    Instant at;
    if (value == null || value.isNull()) {
      return Instant.now();
    } else if (value.isNumber()) {
      BigDecimal seconds = value.decimalValue();
      if (seconds.compareTo(BigDecimal.valueOf(EARLIEST.getEpochSecond())) < 0
          || seconds.compareTo(BigDecimal.valueOf(LATEST.getEpochSecond())) > 0) {
        throw invalid(where + ": timestamp is out of range");
      }
      long whole = seconds.setScale(0, RoundingMode.FLOOR).longValueExact();
      int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
      at = Instant.ofEpochSecond(whole, nanos);
    } else if (value.isTextual()) {
      try {
        at = OffsetDateTime.parse(value.textValue()).toInstant();
      } catch (DateTimeParseException e) {
        throw invalid(where + ": timestamp is not an ISO-8601 date-time with offset");
      }
    } else {
      throw invalid(where + ": timestamp must be an ISO-8601 string");
    }
    if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
      throw invalid(where + ": timestamp is out of range");
    }
    return at;
  }

  private String details(JsonNode value, String where, JsonNode receivedFrom) {
    JsonNode object = value == null || value.isNull() ? mapper.createObjectNode() : value;
    if (object.isTextual()) {
      try {
        object = mapper.readTree(object.textValue());
      } catch (JsonProcessingException e) {
        throw invalid(where + ": details is a string that is not JSON; send a JSON object");
      }
    }
    if (object == null || !object.isObject()) {
      throw invalid(where + ": details must be a JSON object");
    }
    if (holdsNul(object)) {
      throw invalid(where + ": details holds a NUL character");
    }
    ((ObjectNode) object).set(RECEIVED_FROM, receivedFrom);
    try {
      return mapper.writeValueAsString(object);
    } catch (JsonProcessingException e) {
      throw invalid(where + ": details cannot be written as JSON");
    }
  }

  private static boolean holdsNul(JsonNode node) {
    if (node.isTextual()) {
      return node.textValue().indexOf('\u0000') >= 0;
    }
    if (node.isObject()) {
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        if (names.next().indexOf('\u0000') >= 0) {
          return true;
        }
      }
    }
    for (JsonNode child : node) {
      if (holdsNul(child)) {
        return true;
      }
    }
    return false;
  }

  private static ProblemException malformed(int line, String detail) {
    String where = line > 0 ? "line " + line + ": " : "";
    return new ProblemException(
        400,
        "malformed-json",
        "Malformed JSON",
        where + detail + "; nothing was stored",
        Optional.empty());
  }

  private static ProblemException invalid(String detail) {
    return new ProblemException(
        400, "validation", "Invalid request", detail + "; nothing was stored", Optional.empty());
  }
}
