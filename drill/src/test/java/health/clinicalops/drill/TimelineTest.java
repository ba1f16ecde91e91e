package health.clinicalops.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimelineTest {

  @Test
  void anEmptyTimelineIsNotAPass() {
    assertFalse(new Timeline().allPassed(), "a drill that checked nothing proved nothing");
  }

  @Test
  void oneFailedRowFailsTheDrillAndIsPrintedAsSuch() {
    Timeline timeline = new Timeline();
    Instant start = Instant.now();
    timeline.passed("db", "database stopped", "mode=read-only", start, "1 min", "");
    timeline.failed("db", "database back", "mode=normal", start, "-", "never happened");
    assertFalse(timeline.allPassed());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    timeline.print(new PrintStream(out, true, StandardCharsets.UTF_8));
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(table.contains("NO"), table);
    assertTrue(table.contains("2 responses expected, 1 happened, 1 failed"), table);
  }

  @Test
  void theJsonTimelineHasEveryRow(@TempDir Path dir) throws Exception {
    Timeline timeline = new Timeline();
    timeline.passed("auth", "51 failures", "ip blocked", Instant.now(), "5 min", "");
    Path file = dir.resolve("timeline.json");
    timeline.writeJson(file);
    JsonNode rows = new ObjectMapper().readTree(Files.readString(file));
    assertEquals(1, rows.size());
    assertEquals("ip blocked", rows.get(0).path("action").asText());
    assertTrue(rows.get(0).path("ok").asBoolean());
  }
}
