package health.clinicalops.rollbackorchestrator.incident.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import health.clinicalops.opskit.evidence.Evidence;
import health.clinicalops.opskit.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * An incident's evidence as stored: the JSON of the sender's typed record, where a later report's
 * fields replace the earlier ones and the fields it leaves out stay (a step may report only what
 * changed).
 */
@ApplicationScoped
public class IncidentEvidence {

  private final ObjectMapper mapper;

  IncidentEvidence(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** {@code stored} with the fields of {@code newer}; evidence of another runbook replaces it. */
  public String merge(String stored, Evidence newer) {
    if (newer == null) {
      return stored == null ? "{}" : stored;
    }
    ObjectNode update = mapper.valueToTree(newer);
    JsonNode earlier = tree(stored);
    if (earlier instanceof ObjectNode merged && update.path("kind").equals(earlier.path("kind"))) {
      merged.setAll(update);
      return write(merged);
    }
    return write(update);
  }

  /** The stored evidence as its record, when it is one (not for rows older than typed evidence). */
  public Optional<Evidence> read(String stored) {
    if (stored == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(mapper.readValue(stored, Evidence.class));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /** The stored evidence as JSON, for the incident's view. */
  public JsonNode view(String stored) {
    JsonNode tree = tree(stored);
    return tree == null ? mapper.createObjectNode() : tree;
  }

  private JsonNode tree(String stored) {
    if (stored == null) {
      return null;
    }
    try {
      return mapper.readTree(stored);
    } catch (JsonProcessingException e) {
      return mapper.createObjectNode().put("unreadable", stored);
    }
  }

  private String write(JsonNode evidence) {
    try {
      return mapper.writeValueAsString(evidence);
    } catch (JsonProcessingException e) {
      throw ProblemException.badRequest("evidence is not serialisable: " + e.getOriginalMessage());
    }
  }
}
