package health.clinicalops.errorwatch.filemode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.clinicalops.errorwatch.testsupport.GeneratedLogDump;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The file mode on a generated dump: plain Java, no database, no cluster. */
class LogFileReportTest {

  @Test
  void theFileModeGivesThePipelinesRowsAndTheFingerprints() throws Exception {
    GeneratedLogDump dump = new GeneratedLogDump(Instant.parse("2029-06-01T08:00:00Z"), 11);
    LogFileReport report =
        new LogFileReport()
            .read(new ByteArrayInputStream(dump.ndjson.getBytes(StandardCharsets.UTF_8)));
    assertEquals(dump.pipelineRows, report.pipelineRows());
    assertEquals(dump.fingerprintCounts, report.fingerprintCounts());
    assertEquals(0, report.rejected());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        health.clinicalops.errorwatch.ErrorWatchMainAccess.topErrors(
            new String[] {"top-errors", "-"},
            new ByteArrayInputStream(dump.ndjson.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out));
    assertEquals(0, code);
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("Rate limit exceeded for <ip>"), text);
    assertTrue(
        text.contains(
            String.format("%7d Invalid credentials", dump.pipelineRows.get("Invalid credentials"))),
        text);
  }

  @Test
  void aLargeFileReadInParallelPartsGivesTheSameAnswers() throws Exception {
    StringBuilder big = new StringBuilder();
    Map<String, Long> rows = new HashMap<>();
    Map<String, Long> fingerprints = new HashMap<>();
    for (int part = 0; part < 12; part++) {
      GeneratedLogDump dump =
          new GeneratedLogDump(
              Instant.parse("2029-06-01T08:00:00Z").plusSeconds(300L * part), part);
      big.append(dump.ndjson);
      dump.pipelineRows.forEach((k, v) -> rows.merge(k, v, Long::sum));
      dump.fingerprintCounts.forEach((k, v) -> fingerprints.merge(k, v, Long::sum));
    }
    big.append("{broken line\n");
    Path file = Files.createTempFile("logs", ".json");
    try {
      Files.writeString(file, big.toString());
      assertTrue(Files.size(file) > 4L << 20, "large enough for the parallel path");
      LogFileReport report = LogFileReport.readFile(file);
      assertEquals(rows, report.pipelineRows());
      assertEquals(fingerprints, report.fingerprintCounts());
      assertEquals(1, report.rejected());
      assertEquals(12 * 3000, report.accepted());
    } finally {
      Files.delete(file);
    }
  }
}
