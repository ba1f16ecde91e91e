package health.clinicalops.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark harness's own parts, with tiny sizes: no stack, no load, a few milliseconds. */
class BenchHarnessTest {

  @Test
  void readsTheArchivePhasesFromAuditKeepersJsonLog(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("audit-keeper.log");
    String prefix = "{\"loggerName\":\"health.clinicalops.auditkeeper.service.ArchiveService\",";
    Files.write(
        log,
        List.of(
            prefix + "\"message\":\"archived rows 1..9 (9) to /w/a.csv.gz in 9999 ms\"}",
            prefix + "\"message\":\"archived rows 1..1000 (1000) to /w/b.csv.gz in 6120 ms\"}",
            prefix + "\"message\":\"checked archive AuditLog-1-1000.csv.gz in 2950 ms\"}",
            prefix + "\"message\":\"deleted 1000 archived rows in 5040 ms\"}"));
    assertEquals(
        "Its phases, from audit-keeper's log: export (`COPY`, gzip, fsync) 6.12 s, check of the"
            + " file 2.95 s, tombstone and `DELETE` 5.04 s.",
        BenchArchive.phases(log));
  }

  @Test
  void readsWrkSummaryWithLatencyUnits() {
    String out =
        """
        Running 6s test @ http://127.0.0.1:8081/api/v1/rate-limit/check
          2 threads and 50 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency     3.21ms    1.02ms  20.00ms   80.00%
            Req/Sec     7.80k   500.00     9.00k    70.00%
          Latency Distribution
             50%  850.00us
             75%    3.50ms
             90%    4.00ms
             99%    1.20s
          93600 requests in 6.00s, 30.00MB read
          Socket errors: connect 0, read 2, write 0, timeout 1
          Non-2xx or 3xx responses: 12
        Requests/sec:  15600.50
        Transfer/sec:      3.00MB
        """;
    BenchWrk.Run run = BenchWrk.parse(out);
    assertEquals(15600.50, run.rps(), 1e-9);
    assertEquals(0.85, run.p50(), 1e-9);
    assertEquals(1200.0, run.p99(), 1e-9);
    assertEquals(93600, run.requests());
    assertEquals(12, run.non2xx());
    assertEquals(3, run.socketErrors());
  }

  @Test
  void generatedLogsAreTheDesignFormatWithAboutEightPercentErrors(@TempDir Path dir)
      throws Exception {
    Path logs = dir.resolve("logs.json");
    new BenchLogs(42).write(logs, 20_000, Instant.parse("2026-01-16T10:00:00Z"), 600_000);
    List<String> lines = Files.readAllLines(logs);
    assertEquals(20_000, lines.size());
    ObjectMapper json = new ObjectMapper();
    long errors = 0;
    for (String line : lines) {
      JsonNode node = json.readTree(line);
      assertTrue(node.hasNonNull("timestamp") && node.hasNonNull("level"), line);
      assertTrue(node.path("context").hasNonNull("endpoint"), line);
      if (line.contains("\"level\":\"error\"")) {
        errors++;
        assertTrue(node.path("error").hasNonNull("message"), line);
      }
    }
    double share = errors / 20_000.0;
    assertTrue(share > 0.07 && share < 0.09, "error share " + share);
  }

  @Test
  void summaryTableSaysWhenAGoalIsMissedAndByHowMuch(@TempDir Path dir) throws Exception {
    BenchReport report = new BenchReport();
    report.row(
        "1", "decisions/s", "5,000/s", "-", "-", "≥ 10,000/s", BenchReport.atLeast(5_000, 10_000));
    report.row("4", "p99", "4 ms", "-", "-", "≤ 10 ms", BenchReport.atMost(4, 10));
    report.row("4", "p99 slow", "25 ms", "-", "-", "≤ 10 ms", BenchReport.atMost(25, 10));
    report.section("1. something").append("text\n");
    Path file = dir.resolve("BENCHMARKS.md");
    report.write(file, "# Benchmarks\n");
    String md = Files.readString(file);
    assertTrue(
        md.contains(
            "| 1 | decisions/s | 5,000/s | - | - | ≥ 10,000/s | **missed**: 5,000 vs"
                + " ≥ 10,000 (50% short) |"),
        md);
    assertTrue(md.contains("| 4 | p99 | 4 ms | - | - | ≤ 10 ms | met |"), md);
    assertTrue(md.contains("**missed**: 25.0 vs ≤ 10.0 (2.50× the goal)"), md);
    assertTrue(md.contains("## 1. something"), md);
  }

  @Test
  void runbookMinutesAndMedians() {
    assertEquals(5, BenchTimeToMitigate.minutes("5 min (steps 1-3)"));
    assertEquals(15, BenchTimeToMitigate.minutes("within 15 min"));
    assertTrue(Double.isNaN(BenchTimeToMitigate.minutes("at once (escalation)")));
    assertEquals(2.0, BenchStats.median(List.of(3.0, 1.0, 2.0)));
    assertEquals(2.5, BenchStats.median(List.of(4.0, 1.0, 2.0, 3.0)));
    assertEquals("12,346", BenchStats.num(12345.6));
    assertEquals("2.50×", BenchStats.ratio(2.5));
  }
}
