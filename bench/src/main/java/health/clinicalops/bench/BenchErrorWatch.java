package health.clinicalops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.drill.LocalStack;
import health.clinicalops.testing.ServiceProcess;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Item 3: error-watch's top-errors file mode against the runbook's pipelines, and its HTTP ingest.
 */
final class BenchErrorWatch {

  private BenchErrorWatch() {}

  /** One hyperfine command: its median and each run, in seconds. */
  record Timed(double median, List<Double> times) {}

  /** One HTTP ingest run, with the load average before it. */
  record IngestRun(String load, BenchWrk.Run wrk, double linesPerSecond) {}

  /**
   * Item 3's figures.
   *
   * @param fileMode error-watch's file mode over the whole file
   * @param runbook (a), the runbook's grep | jq pipeline
   * @param startOnly the file mode over the first 1,000 lines: its JVM start
   * @param everyLine (b), jq over every line
   * @param runbookAnswer what (a) printed
   * @param fingerprintAnswer the fingerprint part of what the file mode printed
   */
  record Result(
      String loadAtStart,
      int logLines,
      long logMiB,
      long errorLines,
      int runs,
      Timed fileMode,
      Timed runbook,
      Timed startOnly,
      Timed everyLine,
      String runbookAnswer,
      String fingerprintAnswer,
      int seconds,
      int batchLines,
      long batchKiB,
      List<IngestRun> ingestRuns,
      double ingestMedian)
      implements BenchReport.Section {

    double errorShare() {
      return errorLines / (double) logLines;
    }

    String runbookComparison() {
      return comparedToFileMode(runbook.median());
    }

    String everyLineComparison() {
      return comparedToFileMode(everyLine.median());
    }

    private String comparedToFileMode(double median) {
      double mode = fileMode.median();
      return median >= mode
          ? BenchStats.ratio(median / mode) + " faster"
          : BenchStats.ratio(mode / median) + " slower";
    }

    @Override
    public String template() {
      return "error-watch";
    }

    @Override
    public List<BenchReport.SummaryRow> summary() {
      double mode = fileMode.median();
      double a = runbook.median();
      double b = everyLine.median();
      return List.of(
          new BenchReport.SummaryRow(
              "3",
              "error-watch file mode vs (b) jq over every line, 1M lines",
              BenchStats.num(mode) + " s",
              BenchStats.num(b) + " s",
              everyLineComparison(),
              "≥ 10× faster",
              BenchReport.atLeast(b / mode, 10)),
          new BenchReport.SummaryRow(
              "3",
              "error-watch file mode vs (a) the runbook's grep | jq",
              BenchStats.num(mode) + " s",
              BenchStats.num(a) + " s",
              mode <= a
                  ? BenchStats.ratio(a / mode) + " faster"
                  : BenchStats.ratio(mode / a) + " slower",
              "no slower than 2× (a)",
              BenchReport.atMost(mode / a, 2)),
          new BenchReport.SummaryRow(
              "3",
              "error-watch HTTP ingest lines/s (NDJSON)",
              BenchStats.num(ingestMedian) + "/s",
              "-",
              "-",
              "≥ 100,000/s",
              BenchReport.atLeast(ingestMedian, 100_000)));
    }
  }

  static Result measure(BenchRun bench, LocalStack stack) throws Exception {
    Path logs = bench.out().resolve("logs.json");
    bench.progress().step("error-watch: writing " + bench.logLines() + " log lines");
    new BenchLogs(42)
        .write(logs, bench.logLines(), Instant.parse("2026-01-16T10:00:00Z"), 3_600_000L);
    try (InputStream in = Files.newInputStream(logs)) { // into the page cache for every contender
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    long errors;
    try (var lines = Files.lines(logs)) {
      errors = lines.filter(l -> l.contains("\"level\":\"error\"")).count();
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String jar = bench.repo().resolve("error-watch/target/quarkus-app/quarkus-run.jar").toString();
    String runbook = bench.repo().resolve("bench/pipelines/runbook-top-errors.sh") + " " + logs;
    String everyLine = bench.repo().resolve("bench/pipelines/jq-every-line.sh") + " " + logs;
    String fileMode = java + " -jar " + jar + " top-errors " + logs;
    Path small = bench.out().resolve("logs-1000.json");
    try (var lines = Files.lines(logs)) {
      Files.write(small, lines.limit(1000).toList());
    }
    String startOnly = java + " -jar " + jar + " top-errors " + small;
    bench
        .progress()
        .step("error-watch: hyperfine (file mode, runbook pipeline, jq over every line)");
    String load = BenchMachine.loadAverage();
    Path json = bench.out().resolve("hyperfine-error-watch.json");
    BenchCommand.run(
            List.of(
                "hyperfine",
                "--runs",
                Integer.toString(bench.runs()),
                "--style",
                "basic",
                "--export-json",
                json.toString(),
                "-n",
                "error-watch file mode",
                fileMode,
                "-n",
                "(a) runbook grep | jq",
                runbook,
                "-n",
                "error-watch file mode, first 1,000 lines only (its JVM start)",
                startOnly,
                "-n",
                "(b) jq over every line",
                everyLine),
            Duration.ofMinutes(12))
        .orFail("hyperfine");
    JsonNode results = new ObjectMapper().readTree(json.toFile()).get("results");

    String aOut = BenchCommand.run(List.of("bash", "-c", runbook), Duration.ofMinutes(3)).output();
    String modeOut =
        BenchCommand.run(
                List.of(java, "-jar", jar, "top-errors", logs.toString()), Duration.ofMinutes(3))
            .output();

    // HTTP ingest
    ServiceProcess watch = stack.services().get("error-watch");
    Path batch = bench.out().resolve("ingest-batch.ndjson");
    int batchLines = 5000;
    new BenchLogs(7).write(batch, batchLines, Instant.now().minusSeconds(5), 5000);
    Path post = bench.repo().resolve("bench/wrk/post-file.lua");
    String url = watch.baseUrl() + "/api/v1/logs";
    List<String> args = List.of(LocalStack.SERVICE_TOKEN, batch.toString(), "application/x-ndjson");
    bench.progress().step("error-watch: HTTP ingest warm-up");
    BenchWrk.run(post, url, 2, 4, Math.max(3, bench.seconds() / 2), args);
    List<Double> rates = new ArrayList<>();
    List<IngestRun> ingestRuns = new ArrayList<>();
    for (int i = 0; i < bench.runs(); i++) {
      bench.progress().step("error-watch: HTTP ingest run " + (i + 1) + "/" + bench.runs());
      String l = BenchMachine.loadAverage();
      BenchWrk.Run r = BenchWrk.run(post, url, 2, 4, bench.seconds(), args);
      rates.add(r.rps() * batchLines);
      ingestRuns.add(new IngestRun(l, r, r.rps() * batchLines));
    }
    return new Result(
        load,
        bench.logLines(),
        Files.size(logs) / (1024 * 1024),
        errors,
        bench.runs(),
        timed(results.get(0)),
        timed(results.get(1)),
        timed(results.get(2)),
        timed(results.get(3)),
        aOut.replaceAll("^\\n+", "").stripTrailing(),
        fingerprintPart(modeOut),
        bench.seconds(),
        batchLines,
        Files.size(batch) / 1024,
        ingestRuns,
        BenchStats.median(rates));
  }

  private static Timed timed(JsonNode hyperfineResult) {
    List<Double> times = new ArrayList<>();
    hyperfineResult.get("times").forEach(t -> times.add(t.asDouble()));
    return new Timed(hyperfineResult.get("median").asDouble(), times);
  }

  private static String fingerprintPart(String output) {
    int from = output.indexOf("== top errors by fingerprint");
    int to = output.indexOf("== step 4");
    if (from < 0) {
      return output.strip();
    }
    String head = output.substring(0, Math.max(0, output.indexOf("\n\n")));
    return (head.strip() + "\n...\n" + output.substring(from, to < 0 ? output.length() : to))
        .strip();
  }
}
