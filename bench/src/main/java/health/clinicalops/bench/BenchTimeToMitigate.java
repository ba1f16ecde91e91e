package health.clinicalops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Item 6: the time to mitigate, read from {@code ./clinops drill --json} on a stack of its own. */
final class BenchTimeToMitigate {

  private BenchTimeToMitigate() {}

  /** One row of the drill's timeline ({@code ./clinops drill --json}). */
  record Response(
      String runbook,
      String event,
      String action,
      double seconds,
      String byHand,
      boolean ok,
      String note) {

    /** The runbook's budget for the step, in seconds; NaN where it gives none in minutes. */
    double byHandSeconds() {
      return minutes(byHand) * 60;
    }

    String faster() {
      double budget = byHandSeconds();
      return Double.isNaN(budget) || seconds <= 0 ? "-" : BenchStats.ratio(budget / seconds);
    }
  }

  /**
   * Item 6's figures.
   *
   * @param retried empty, or why the drill ran a second time
   */
  record Result(String loadAtStart, int exitCode, String retried, List<Response> rows)
      implements BenchReport.Section {

    long failed() {
      return rows.stream().filter(r -> !r.ok()).count();
    }

    @Override
    public String template() {
      return "time-to-mitigate";
    }

    @Override
    public List<BenchReport.SummaryRow> summary() {
      // Per runbook, its slowest step that succeeded and has a budget in minutes.
      Map<String, Response> slowest = new LinkedHashMap<>();
      for (Response row : rows) {
        if (row.ok() && !Double.isNaN(row.byHandSeconds())) {
          slowest.merge(row.runbook(), row, (a, b) -> b.seconds() > a.seconds() ? b : a);
        }
      }
      List<BenchReport.SummaryRow> summary = new ArrayList<>();
      slowest.forEach(
          (runbook, row) ->
              summary.add(
                  new BenchReport.SummaryRow(
                      "6",
                      "time to mitigate: " + runbook + " (slowest timed step)",
                      BenchStats.num(row.seconds()) + " s",
                      BenchStats.num(row.byHandSeconds() / 60) + " min by hand (runbook)",
                      BenchStats.ratio(row.byHandSeconds() / row.seconds()) + " faster",
                      "- (reported)",
                      "-")));
      if (failed() > 0) {
        summary.add(
            new BenchReport.SummaryRow(
                "6",
                "drill responses",
                failed() + " of " + rows.size() + " failed",
                "-",
                "-",
                "all happen",
                "**missed**: see section 6"));
      }
      return summary;
    }
  }

  static Result measure(BenchRun bench) throws Exception {
    Path json = bench.out().resolve("drill.json");
    Files.deleteIfExists(json);
    String load = BenchMachine.loadAverage();
    bench
        .progress()
        .step("running ./clinops drill --json (start-up and scenarios, about 3 minutes)");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dclinops.repo=" + bench.repo(),
                "-cp",
                System.getProperty("java.class.path"),
                "health.clinicalops.drill.Clinops",
                "drill",
                "--json",
                json.toString()));
    BenchCommand.Result r = BenchCommand.run(command, Duration.ofMinutes(8));
    Files.writeString(bench.out().resolve("drill.log"), r.output());
    String retried = "";
    if (r.exitCode() != 0 && startUpFailed(json)) {
      // A service that did not come up on a busy machine is not a time to mitigate: once more.
      retried =
          " (the first attempt failed at start-up: "
              + firstLine(r.output())
              + "; this is the"
              + " second)";
      bench.progress().step("the drill failed at start-up; once more");
      Files.deleteIfExists(json);
      r = BenchCommand.run(command, Duration.ofMinutes(8));
      Files.writeString(bench.out().resolve("drill-second.log"), r.output());
    }
    if (!Files.exists(json)) {
      throw new IllegalStateException(
          "the drill wrote no timeline (exit "
              + r.exitCode()
              + "): "
              + BenchCommand.tail(r.output(), 1500));
    }
    List<Response> rows = new ArrayList<>();
    for (JsonNode row : new ObjectMapper().readTree(json.toFile())) {
      rows.add(
          new Response(
              row.get("runbook").asText(),
              row.get("event").asText(),
              row.get("action").asText(),
              row.get("seconds").asDouble(),
              row.get("byHand").asText(),
              row.get("ok").asBoolean(),
              row.get("note").asText()));
    }
    return new Result(load, r.exitCode(), retried, rows);
  }

  private static boolean startUpFailed(Path json) {
    try {
      JsonNode rows = new ObjectMapper().readTree(json.toFile());
      return rows.size() == 1 && "start-up".equals(rows.get(0).path("event").asText());
    } catch (IOException e) {
      return true;
    }
  }

  private static String firstLine(String output) {
    return output
        .lines()
        .filter(l -> l.contains("drill stopped"))
        .findFirst()
        .orElse("see drill.log")
        .strip();
  }

  /** "5 min (steps 1-3)" → 5; "within 15 min" → 15; anything without minutes → NaN. */
  static double minutes(String byHand) {
    Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*min").matcher(byHand);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }
}
