package health.clinicalops.errorwatch.filemode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.clinicalops.errorwatch.testsupport.GeneratedLogDump;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
}
