package health.clinicalops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
  void readsAServicesPrometheusMetrics() {
    ServiceMetrics metrics =
        ServiceMetrics.parse(
            """
            # HELP clinicalops_audit_keeper_last_archive_rows Rows archived and deleted by the last archive
            # TYPE clinicalops_audit_keeper_last_archive_rows gauge
            clinicalops_audit_keeper_last_archive_rows 1000000.0
            # TYPE http_server_requests_seconds summary
            http_server_requests_seconds_count{method="POST",outcome="SUCCESS",status="201",uri="/api/v1/archives"} 1.0
            """);

    assertThat(metrics.require("clinicalops_audit_keeper_last_archive_rows")).isEqualTo(1e6);
    assertThat(
            metrics.value(
                "http_server_requests_seconds_count{method=\"POST\",outcome=\"SUCCESS\","
                    + "status=\"201\",uri=\"/api/v1/archives\"}"))
        .hasValue(1.0);
    assertThat(metrics.value("clinicalops_audit_keeper_spool_depth")).isEmpty();
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
    assertThat(run.rps()).isCloseTo(15600.50, within(1e-9));
    assertThat(run.p50()).isCloseTo(0.85, within(1e-9));
    assertThat(run.p99()).isCloseTo(1200.0, within(1e-9));
    assertThat(run.requests()).isEqualTo(93600);
    assertThat(run.non2xx()).isEqualTo(12);
    assertThat(run.socketErrors()).isEqualTo(3);
  }

  @Test
  void generatedLogsAreTheDesignFormatWithAboutEightPercentErrors(@TempDir Path dir)
      throws Exception {
    Path logs = dir.resolve("logs.json");
    new BenchLogs(42).write(logs, 20_000, Instant.parse("2026-01-16T10:00:00Z"), 600_000);
    List<String> lines = Files.readAllLines(logs);
    assertThat(lines).hasSize(20_000);
    ObjectMapper json = new ObjectMapper();
    long errors = 0;
    for (String line : lines) {
      JsonNode node = json.readTree(line);
      assertThat(node.hasNonNull("timestamp") && node.hasNonNull("level")).as(line).isTrue();
      assertThat(node.path("context").hasNonNull("endpoint")).as(line).isTrue();
      if (line.contains("\"level\":\"error\"")) {
        errors++;
        assertThat(node.path("error").hasNonNull("message")).as(line).isTrue();
      }
    }
    double share = errors / 20_000.0;
    assertThat(share).as("error share").isBetween(0.07, 0.09);
  }

  @Test
  void verdictsSayWhenAGoalIsMissedAndByHowMuch() {
    assertThat(BenchReport.atLeast(5_000, 10_000))
        .isEqualTo("**missed**: 5,000 vs ≥ 10,000 (50% short)");
    assertThat(BenchReport.atMost(4, 10)).isEqualTo("met");
    assertThat(BenchReport.atMost(25, 10)).isEqualTo("**missed**: 25.0 vs ≤ 10.0 (2.50× the goal)");
    assertThat(BenchReport.atLeast(Double.NaN, 1)).isEqualTo("**not measured**");
    assertThat(BenchReport.cell("grep | jq \\| sort\nhead")).isEqualTo("grep \\| jq \\| sort head");
  }

  @Test
  void runbookMinutesAndMedians() {
    assertThat(BenchTimeToMitigate.minutes("5 min (steps 1-3)")).isEqualTo(5);
    assertThat(BenchTimeToMitigate.minutes("within 15 min")).isEqualTo(15);
    assertThat(BenchTimeToMitigate.minutes("at once (escalation)")).isNaN();
    assertThat(BenchStats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(BenchStats.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    assertThat(BenchStats.num(12345.6)).isEqualTo("12,346");
    assertThat(BenchStats.ratio(2.5)).isEqualTo("2.50×");
  }
}
