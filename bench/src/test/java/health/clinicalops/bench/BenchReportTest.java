package health.clinicalops.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BENCHMARKS.md rendered from typed sample results (the figures of the run of 2026-11-27): the
 * sections come out exactly as the hand-built report wrote them.
 */
class BenchReportTest {

  static final BenchReport.Header HEADER =
      new BenchReport.Header(
          "2026-11-27 10:29 UTC",
          9.33,
          2,
          "Intel(R) Xeon(R) Processor",
          "23.5 GiB",
          "Linux 6.18.44-fc-v657",
          "OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1 (Debian)",
          "2.71 2.90 3.46",
          "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer; jq-1.6; hyperfine 1.15.0",
          3);

  static BenchWrk.Run wrk(double rps, double p50, double p99) {
    return new BenchWrk.Run(rps, p50, p99, 0, 0, 0);
  }

  static BenchRateLimits.Result rateLimits() {
    return new BenchRateLimits.Result(
        "5.73 3.65 3.69",
        6,
        List.of(
            new BenchRateLimits.PeakRun(
                "5.46 3.66 3.69", wrk(4200, 10.9, 42.8), "5.26 3.65 3.69", wrk(11005, 4.13, 29.7)),
            new BenchRateLimits.PeakRun(
                "5.16 3.66 3.69", wrk(5907, 7.55, 43.6), "5.07 3.66 3.69", wrk(19567, 2.03, 22.4))),
        5907,
        19567,
        16,
        3.08,
        2954,
        List.of(new BenchWrk.LoadedRun("4.37 3.66 3.69", wrk(2493, 1.69, 26.9))),
        2709,
        1.43,
        26.16,
        List.of(new BenchRateLimits.RedisRun("3.86 3.60 3.67", 21137, 1.94, 7.82)),
        22433,
        10507,
        61329,
        1.03,
        14734984,
        240.26,
        127,
        200,
        30240,
        1528,
        5766);
  }

  static BenchErrorWatch.Result errorWatch() {
    return new BenchErrorWatch.Result(
        "3.99 3.64 3.68",
        1_000_000,
        262,
        79_822,
        3,
        new BenchErrorWatch.Timed(4.836, List.of(4.836, 5.31, 4.65)),
        new BenchErrorWatch.Timed(1.182, List.of(1.23, 1.13, 1.182)),
        new BenchErrorWatch.Timed(0.464, List.of(0.464, 0.498, 0.438)),
        new BenchErrorWatch.Timed(9.64, List.of(9.64, 9.02, 10.1)),
        "   6433 TypeError: Cannot read properties of undefined (reading 'role')",
        "== top errors by fingerprint\n  23899 Invalid credentials for <id> from <ip>",
        6,
        5000,
        1345,
        List.of(new BenchErrorWatch.IngestRun("3.04 3.48 3.62", wrk(65.57, 100, 127), 327_850)),
        461_400);
  }

  static BenchTimeToMitigate.Result timeToMitigate() {
    return new BenchTimeToMitigate.Result(
        "2.85 3.31 3.54",
        1,
        "",
        List.of(
            new BenchTimeToMitigate.Response(
                "ops-state (all runbooks)",
                "kubectl patch mode=maintenance",
                "rollback-orchestrator follows mode=maintenance",
                0.102,
                "-",
                true,
                "limit 1 s"),
            new BenchTimeToMitigate.Response(
                "Authentication Abuse",
                "60 failed sign-ins from 203.0.113.7, 60 accounts",
                "IP blocked",
                0.603,
                "5 min (steps 1-3)",
                true,
                "threshold >50 in 5 min"),
            new BenchTimeToMitigate.Response(
                "Authentication Abuse",
                "60 failed sign-ins from 203.0.113.7, 60 accounts",
                "security team paged",
                1.77,
                "15 min",
                true,
                ""),
            new BenchTimeToMitigate.Response(
                "Error Rate Spike",
                "error ratio | 12%",
                "rollback asked",
                7.76,
                "3 min",
                false,
                "no rollback")));
  }

  static String render(BenchReport.Section... sections) {
    BenchReport report = new BenchReport();
    for (BenchReport.Section section : sections) {
      report.add(section);
    }
    return report.render(HEADER);
  }

  @Test
  void headerThenSummaryTableThenTheSectionsInOrder() {
    String md = render(rateLimits(), new BenchReport.Failed("error-watch", "boom"));

    assertThat(md)
        .startsWith("# Benchmarks\n\nWritten by a real run of\n\n```bash\n./clinops bench\n```\n\n")
        .contains(
            "on 2026-11-27 10:29 UTC, which took 9.33 minutes end to end (start-up of the local"
                + " stack, every benchmark, then `./clinops drill --json`).")
        .contains(
            "Machine: 2 cores, Intel(R) Xeon(R) Processor, 23.5 GiB RAM, Linux 6.18.44-fc-v657,"
                + " JDK OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1 (Debian). Load average"
                + " (1, 5, 15 min) at the start: 2.71 2.90 3.46. Tools: wrk debian/4.1.0-3+b2"
                + " [epoll] Copyright (C) 2012 Will Glozer; jq-1.6; hyperfine 1.15.0.\n")
        .contains("Each figure is the median of 3 runs, and its baseline")
        .contains(
            "the drill's settings.\n\n## Summary\n\n| # | figure | measured (median) | baseline,"
                + " same run (median) | ratio | goal | goal met? |\n"
                + "| --- | --- | --- | --- | --- | --- | --- |\n"
                + "| 1 | auth-guard decisions/s (`POST /api/v1/rate-limit/check`, Redis) |"
                + " 5,907/s | - | - | ≥ 10,000/s on 2 cores | **missed**: 5,907 vs ≥ 10,000 (41%"
                + " short) |\n")
        .contains(
            "| - | error-watch | failed | - | - | - | **not measured** (failed, see below) |\n"
                + "\n## 1. auth-guard: rate-limit decisions\n")
        .endsWith("\n## error-watch: FAILED\n\nThe benchmark failed: `boom`\n");
    assertThat(md.indexOf("## 1. auth-guard")).isLessThan(md.indexOf("## error-watch: FAILED"));
  }

  @Test
  void summaryRowsGiveRatiosAndByHowMuchAGoalIsMissed() {
    String md = render(rateLimits(), errorWatch());

    assertThat(md)
        .contains(
            "| 1 | … share of the trivial endpoint of the same service | 5,907/s | 19,567/s (`GET"
                + " /api/v1/rate-limit/windows`) | 30% | ≥ 40% | **missed**: 30.2 vs ≥ 40.0 (25%"
                + " short) |\n")
        .contains(
            "| 1 | … against raw Redis, same script and arguments | 5,907/s | 22,433/s"
                + " (redis-benchmark EVALSHA) | 26% | - (context) | - |\n")
        .contains(
            "| 1 | p99 latency at half of peak (2,709/s) | 26.2 ms (p50 1.43 ms) | - | - | ≤ 5 ms |"
                + " **missed**: 26.2 vs ≤ 5.00 (5.23× the goal) |\n")
        .contains(
            "| 1 | Redis memory per tracked client key | 240 B (1.03 entries/key) | - | - | -"
                + " (reported) | - |\n")
        .contains(
            "| 3 | error-watch file mode vs (b) jq over every line, 1M lines | 4.84 s | 9.64 s |"
                + " 1.99× faster | ≥ 10× faster | **missed**: 1.99 vs ≥ 10.0 (80% short) |\n")
        .contains(
            "| 3 | error-watch file mode vs (a) the runbook's grep \\| jq | 4.84 s | 1.18 s | 4.09×"
                + " slower | no slower than 2× (a) | **missed**: 4.09 vs ≤ 2.00 (2.05× the goal)"
                + " |\n")
        .contains(
            "| 3 | error-watch HTTP ingest lines/s (NDJSON) | 461,400/s | - | - | ≥ 100,000/s |"
                + " met |\n");
  }

  @Test
  void rateLimitSectionTablesAndProse() {
    String md = render(rateLimits());

    assertThat(md)
        .contains(
            "\n## 1. auth-guard: rate-limit decisions\n\nLoad average at the start: 5.73 3.65"
                + " 3.69.\n\n`wrk -t2 -c50 -d6s --latency` on loopback with")
        .contains(
            "| run | load before | decisions/s | load before | trivial endpoint req/s |\n"
                + "| --- | --- | --- | --- | --- |\n"
                + "| 1 | 5.46 3.66 3.69 | 4,200 (p50 10.9 ms, p99 42.8 ms, non-2xx 0, socket"
                + " errors 0) | 5.26 3.65 3.69 | 11,005 (p50 4.13 ms, p99 29.7 ms, non-2xx 0) |\n"
                + "| 2 | 5.16 3.66 3.69 | 5,907 (p50 7.55 ms, p99 43.6 ms, non-2xx 0, socket"
                + " errors 0) | 5.07 3.66 3.69 | 19,567 (p50 2.03 ms, p99 22.4 ms, non-2xx 0) |\n"
                + "\n**Median: 5,907 decisions/s, 30% of the trivial endpoint's 19,567 req/s.**\n\n"
                + "Half of peak: 16 connections with a think time of 3.08 ms each")
        .contains(
            "| run | load before | achieved req/s | p50 ms | p99 ms | non-2xx |\n"
                + "| --- | --- | --- | --- | --- | --- |\n"
                + "| 1 | 4.37 3.66 3.69 | 2,493 | 1.69 | 26.9 | 0 |\n\nRaw Redis")
        .contains(
            "| run | load before | EVALSHA/s | p50 ms | p99 ms |\n"
                + "| --- | --- | --- | --- | --- |\n"
                + "| 1 | 3.86 3.60 3.67 | 21,137 | 1.94 | 7.82 |\n\nRedis memory")
        .contains(
            "one more run over a space of 1,000,000 keys (10,507 decisions/s over 6 s) left 61329"
                + " client keys with 1.03 entries each on average; `used_memory` grew by 14734984"
                + " bytes: **240 bytes per tracked client**")
        .endsWith(
            "Warm-up before the runs (not counted): 1,528 decisions/s, trivial endpoint 5,766"
                + " req/s.\n");
  }

  @Test
  void errorWatchCommandsKeepTheirEscapedPipesAndSayFasterOrSlower() {
    String md = render(errorWatch());

    assertThat(md)
        .contains(
            "Input: a generated `logs.json` of 1,000,000 lines (262 MiB) in the DESIGN.md format,"
                + " 79,822 of them `level=error` (8%) from six bugs;")
        .contains(
            "| (a) the runbook: [`grep '\"level\":\"error\"' logs.json \\| jq -r '.error.message'"
                + " \\| sort \\| uniq -c \\| sort -rn \\| head`](bench/pipelines/runbook-top-errors.sh)"
                + " | 1.18 | 1.23 / 1.13 / 1.18 | 4.09× slower |\n")
        .contains(
            "| error-watch file mode on the first 1,000 lines: what its JVM start costs | 0.464 |"
                + " 0.464 / 0.498 / 0.438 | - |\n")
        .contains(" | 9.64 | 9.64 / 9.02 / 10.1 | 1.99× faster |\n")
        .contains(
            "miss the largest ones:\n\n```\n   6433 TypeError: Cannot read properties of undefined"
                + " (reading 'role')\n```\n")
        .contains(
            "| 1 | 3.04 3.48 3.62 | 65.6 | 327,850 | 127 | 0 |\n\n**Median 461,400 lines/s.**\n");
  }

  @Test
  void timeToMitigateRowsAndTheSlowestStepPerRunbook() {
    String md = render(timeToMitigate());

    assertThat(md)
        .contains(
            "| ops-state (all runbooks) | kubectl patch mode=maintenance | rollback-orchestrator"
                + " follows mode=maintenance | 0.102 | - | - | yes | limit 1 s |\n")
        .contains(
            "| Authentication Abuse | 60 failed sign-ins from 203.0.113.7, 60 accounts | IP blocked"
                + " | 0.603 | 5 min (steps 1-3) | 498× | yes | threshold >50 in 5 min |\n")
        .contains("| security team paged | 1.77 | 15 min | 508× | yes |  |\n")
        .contains(
            "| Error Rate Spike | error ratio \\| 12% | rollback asked | 7.76 | 3 min | 23× | **NO**")
        .contains("\n4 responses expected, 1 failed.\n")
        .contains(
            "| 6 | time to mitigate: Authentication Abuse (slowest timed step) | 1.77 s | 15.0 min by"
                + " hand (runbook) | 508× faster | - (reported) | - |\n")
        .contains(
            "| 6 | drill responses | 1 of 4 failed | - | - | all happen | **missed**: see section 6"
                + " |\n")
        .doesNotContain("time to mitigate: Error Rate Spike");
  }

  @Test
  void writesTheRenderedFile(@TempDir Path dir) throws Exception {
    BenchReport report = new BenchReport();
    report.add(timeToMitigate());
    Path file = dir.resolve("BENCHMARKS.md");

    report.write(file, HEADER);

    assertThat(Files.readString(file)).isEqualTo(report.render(HEADER));
  }
}
