package health.clinicalops.opskit.clients;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps an incident's evidence under a size: the entries that fit stay as they are, in order, up to
 * the first that does not; the rest are left out and named (the first few) with their count.
 * Without this, one report whose evidence outgrew the receiver's body limit would be refused for
 * good and its facts lost.
 */
final class BoundedEvidence {

  static final String TRUNCATED = "evidenceTruncated";
  static final String LEFT_OUT = "evidenceLeftOut";
  static final String LEFT_OUT_COUNT = "evidenceLeftOutCount";
  private static final int NAMED = 20;
  private static final int NAME_LENGTH = 100;

  private BoundedEvidence() {}

  static Map<String, Object> fit(Map<String, Object> evidence, long maxBytes, ObjectMapper mapper) {
    if (evidence == null || evidence.isEmpty() || size(evidence, mapper) <= maxBytes) {
      return evidence;
    }
    // Room for the note of what was left out: NAMED names of at most NAME_LENGTH characters.
    long reserve = Math.min(maxBytes / 2, NAMED * (NAME_LENGTH + 40L) + 200);
    long budget = maxBytes - reserve;
    Map<String, Object> kept = new LinkedHashMap<>();
    List<String> leftOut = new ArrayList<>();
    long leftOutCount = 0;
    long used = 2;
    for (Map.Entry<String, Object> entry : evidence.entrySet()) {
      if (leftOutCount == 0) {
        // Key, colon, value and comma.
        long entrySize = size(entry.getKey(), mapper) + size(entry.getValue(), mapper) + 2;
        if (used + entrySize <= budget) {
          kept.put(entry.getKey(), entry.getValue());
          used += entrySize;
          continue;
        }
      }
      // Once one entry is left out, so are the ones after it: what is kept is a prefix.
      leftOutCount++;
      if (leftOut.size() < NAMED) {
        String name = entry.getKey();
        leftOut.add(name.length() > NAME_LENGTH ? name.substring(0, NAME_LENGTH) : name);
      }
    }
    kept.put(TRUNCATED, true);
    kept.put(LEFT_OUT_COUNT, leftOutCount);
    kept.put(LEFT_OUT, leftOut);
    return kept;
  }

  private static long size(Object value, ObjectMapper mapper) {
    try {
      return mapper.writeValueAsBytes(value).length;
    } catch (JsonProcessingException e) {
      return Long.MAX_VALUE / 4;
    }
  }
}
