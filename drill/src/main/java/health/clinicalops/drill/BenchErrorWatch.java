package health.clinicalops.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Item 3: error-watch's top-errors file mode against the runbook's pipelines, and its HTTP ingest.
 */
final class BenchErrorWatch {

  private BenchErrorWatch() {}

  static void measure(BenchRun bench, LocalStack stack) throws Exception {
    BenchReport report = bench.report();
    StringBuilder s =
        report.section("3. error-watch: the runbook's top-errors question, and HTTP ingest");
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
    double mode = results.get(0).get("median").asDouble();
    double a = results.get(1).get("median").asDouble();
    double start = results.get(2).get("median").asDouble();
    double b = results.get(3).get("median").asDouble();
    s.append("Load average at the start: ")
        .append(load)
        .append(". Input: a generated `logs.json` of ")
        .append(String.format(Locale.ROOT, "%,d", bench.logLines()))
        .append(" lines (")
        .append(Files.size(logs) / (1024 * 1024))
        .append(" MiB) in the DESIGN.md format, ")
        .append(String.format(Locale.ROOT, "%,d", errors))
        .append(" of them `level=error` (")
        .append(BenchStats.percent(errors / (double) bench.logLines()))
        .append(") from six bugs; five of them")
        .append(" put ids, IP addresses, UUIDs or durations in `error.message` (see")
        .append(" `BenchLogs` in drill/). Timed with `hyperfine --runs ")
        .append(bench.runs())
        .append("` after reading the file once into the page cache; the file mode includes its JVM")
        .append(" start (it is what an on-call person runs; the 1,000-line row shows that part:")
        .append(" ")
        .append(BenchStats.num(start))
        .append(" s).\n\n");
    s.append("| command | median s | runs (s) | error-watch is |\n| --- | --- | --- | --- |\n");
    String[] names = {
      "error-watch file mode: `java -jar error-watch/.../quarkus-run.jar top-errors logs.json`",
      "(a) the runbook: [`grep '\"level\":\"error\"' logs.json \\| jq -r '.error.message' \\| sort"
          + " \\| uniq -c \\| sort -rn \\| head`](bench/pipelines/runbook-top-errors.sh)",
      "error-watch file mode on the first 1,000 lines: what its JVM start costs",
      "(b) [`jq -r 'select(.level==\"error\") \\| .error.message' logs.json \\| sort \\| uniq -c"
          + " \\| sort -rn \\| head`](bench/pipelines/jq-every-line.sh)"
    };
    for (int i = 0; i < 4; i++) {
      JsonNode r = results.get(i);
      List<Double> times = new ArrayList<>();
      r.get("times").forEach(t -> times.add(t.asDouble()));
      double median = r.get("median").asDouble();
      s.append(
          BenchReport.tableRow(
              names[i],
              BenchStats.num(median),
              BenchStats.list(times),
              i == 0 || i == 2
                  ? "-"
                  : median >= mode
                      ? BenchStats.ratio(median / mode) + " faster"
                      : BenchStats.ratio(mode / median) + " slower"));
    }
    report.row(
        "3",
        "error-watch file mode vs (b) jq over every line, 1M lines",
        BenchStats.num(mode) + " s",
        BenchStats.num(b) + " s",
        b >= mode ? BenchStats.ratio(b / mode) + " faster" : BenchStats.ratio(mode / b) + " slower",
        "≥ 10× faster",
        BenchReport.atLeast(b / mode, 10));
    report.row(
        "3",
        "error-watch file mode vs (a) the runbook's grep | jq",
        BenchStats.num(mode) + " s",
        BenchStats.num(a) + " s",
        mode <= a ? BenchStats.ratio(a / mode) + " faster" : BenchStats.ratio(mode / a) + " slower",
        "no slower than 2× (a)",
        BenchReport.atMost(mode / a, 2));

    String aOut = BenchCommand.run(List.of("bash", "-c", runbook), Duration.ofMinutes(3)).output();
    String modeOut =
        BenchCommand.run(
                List.of(java, "-jar", jar, "top-errors", logs.toString()), Duration.ofMinutes(3))
            .output();
    s.append("\nThe answers. (a) counts exact messages, so each bug whose message carries an id or")
        .append(" an address is split into many small rows; its top ten show at most one of those")
        .append(" bugs, under-counted, and miss the largest ones:\n\n```\n")
        .append(aOut.replaceAll("^\\n+", "").stripTrailing())
        .append("\n```\n\nerror-watch's file mode parses every line and groups by")
        .append(" fingerprint (its own step-1 rows, identical to (a)'s, are printed too and")
        .append(" left out here):\n\n```\n")
        .append(fingerprintPart(modeOut))
        .append("\n```\n");

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
    s.append("\nHTTP ingest: `wrk -t2 -c4 -d")
        .append(bench.seconds())
        .append("s` POSTing the same ")
        .append(batchLines)
        .append("-line NDJSON batch (")
        .append(Files.size(batch) / 1024)
        .append(" KiB, same generator, timestamps of the run)")
        .append(" to `/api/v1/logs` ([bench/wrk/post-file.lua](bench/wrk/post-file.lua)).\n\n")
        .append(
            "| run | load before | batches/s | lines/s | p99 ms per batch | non-2xx |\n"
                + "| --- | --- | --- | --- | --- | --- |\n");
    for (int i = 0; i < bench.runs(); i++) {
      bench.progress().step("error-watch: HTTP ingest run " + (i + 1) + "/" + bench.runs());
      String l = BenchMachine.loadAverage();
      BenchWrk.Run r = BenchWrk.run(post, url, 2, 4, bench.seconds(), args);
      rates.add(r.rps() * batchLines);
      s.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s | %s | %s | %d |%n",
              i + 1,
              l,
              BenchStats.num(r.rps()),
              BenchStats.num(r.rps() * batchLines),
              BenchStats.num(r.p99()),
              r.non2xx()));
    }
    double median = BenchStats.median(rates);
    s.append("\n**Median ").append(BenchStats.num(median)).append(" lines/s.**\n");
    report.row(
        "3",
        "error-watch HTTP ingest lines/s (NDJSON)",
        BenchStats.num(median) + "/s",
        "-",
        "-",
        "≥ 100,000/s",
        BenchReport.atLeast(median, 100_000));
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
