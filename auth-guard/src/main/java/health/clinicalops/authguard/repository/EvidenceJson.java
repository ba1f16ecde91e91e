package health.clinicalops.authguard.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** The {@code evidence} jsonb column of blocks and attacks, written and read. */
@ApplicationScoped
public class EvidenceJson {

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final ObjectMapper mapper;

  EvidenceJson(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  String write(Map<String, Object> evidence) {
    try {
      return mapper.writeValueAsString(evidence);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("evidence is not JSON", e);
    }
  }

  /** The stored evidence; a row that does not parse keeps its text under {@code unreadable}. */
  Map<String, Object> read(String json) {
    try {
      return json == null ? Map.of() : mapper.readValue(json, MAP);
    } catch (JsonProcessingException e) {
      return Map.of("unreadable", json);
    }
  }
}
