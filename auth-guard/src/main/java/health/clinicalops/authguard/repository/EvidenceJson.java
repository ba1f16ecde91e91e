package health.clinicalops.authguard.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import health.clinicalops.opskit.evidence.AuthAbuseEvidence;
import health.clinicalops.opskit.evidence.Runbooks;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** The {@code evidence} jsonb column of blocks and attacks, written and read. */
@ApplicationScoped
public class EvidenceJson {

  private static final Logger LOG = Logger.getLogger(EvidenceJson.class);

  private final ObjectMapper mapper;

  EvidenceJson(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  String write(AuthAbuseEvidence evidence) {
    try {
      return mapper.writeValueAsString(evidence);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("evidence is not JSON", e);
    }
  }

  /**
   * The stored evidence. Rows written before evidence was typed have no {@code kind} (and their
   * keys are the record's fields); a row that does not read is shown without evidence, with a
   * warning: the column still holds it.
   */
  AuthAbuseEvidence read(String json) {
    if (json == null) {
      return AuthAbuseEvidence.none();
    }
    try {
      JsonNode node = mapper.readTree(json);
      if (node instanceof ObjectNode object && !object.has("kind")) {
        object.put("kind", Runbooks.AUTHENTICATION_ABUSE);
      }
      return mapper.treeToValue(node, AuthAbuseEvidence.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      LOG.warnf("stored evidence does not read as %s: %s", Runbooks.AUTHENTICATION_ABUSE, json);
      return AuthAbuseEvidence.none();
    }
  }
}
