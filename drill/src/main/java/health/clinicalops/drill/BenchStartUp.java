package health.clinicalops.drill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Item 5: each service's time to ready and resident memory, restarted alone. */
final class BenchStartUp {

  private BenchStartUp() {}

  static void measure(BenchRun bench, LocalStack stack) throws Exception {
    BenchReport report = bench.report();
    StringBuilder s = report.section("5. Start-up: time to ready and resident memory (JVM mode)");
    String load = BenchMachine.loadAverage();
    s.append("Load average at the start: ")
        .append(load)
        .append(". Each service is stopped and")
        .append(" started again ")
        .append(bench.runs())
        .append(" times, alone, while PostgreSQL, Redis, the")
        .append(
            " Kubernetes API and the other four services keep running (as a rolling restart in a")
        .append(
            " cluster would). *Time to ready*: from starting `java -jar quarkus-run.jar` to the")
        .append(" first `200` from `/q/health/ready` (polled every 20 ms); *Quarkus' own*: the")
        .append(" \"started in\" it logs. RSS: `VmRSS` of `/proc/<pid>/status` at ready, and after")
        .append(
            " the benchmarks above for the process that served them. `-Xmx256m -XX:+UseSerialGC`,")
        .append(" as the drill and the Helm chart run them. No GraalVM is installed here, so no")
        .append(" native figures.\n\n")
        .append(
            "| service | time to ready s (runs) | median | Quarkus' own s (median) | RSS at ready"
                + " MiB (median) | RSS after the benchmarks MiB |\n"
                + "| --- | --- | --- | --- | --- | --- |\n");
    double worstReady = 0;
    double worstRss = 0;
    String worstReadyName = "";
    String worstRssName = "";
    List<String> failures = new ArrayList<>();
    for (String name : LocalStack.SERVICES.keySet()) {
      List<Double> ready = new ArrayList<>();
      List<Double> own = new ArrayList<>();
      List<Double> rss = new ArrayList<>();
      for (int i = 0; i < bench.runs(); i++) {
        bench.progress().step("start-up: " + name + " run " + (i + 1) + "/" + bench.runs());
        long t0 = System.nanoTime();
        try {
          ServiceProcess p = stack.restart(name, stack.settings(name));
          ready.add((System.nanoTime() - t0) / 1e9);
          rss.add(BenchMachine.rssMiB(p.pid()));
          own.add(quarkusStartedIn(p.logFile()));
        } catch (IllegalStateException e) {
          Path kept = bench.out().resolve("start-up-failed-" + name + "-" + (i + 1) + ".log");
          Files.copy(
              stack.services().get(name).logFile(),
              kept,
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          failures.add(
              name + " run " + (i + 1) + ": " + e.getMessage() + " (its log: " + kept + ")");
        }
      }
      double readyMedian = BenchStats.median(ready);
      double rssMedian = BenchStats.median(rss);
      if (readyMedian > worstReady) {
        worstReady = readyMedian;
        worstReadyName = name;
      }
      if (rssMedian > worstRss) {
        worstRss = rssMedian;
        worstRssName = name;
      }
      s.append(
          BenchReport.tableRow(
              name,
              BenchStats.list(ready),
              BenchStats.num(readyMedian),
              BenchStats.num(BenchStats.median(own)),
              BenchStats.num(rssMedian),
              BenchStats.num(bench.rssAfterLoad().getOrDefault(name, Double.NaN))));
      report.row(
          "5",
          name + ": time to ready / RSS at ready (JVM)",
          BenchStats.num(readyMedian) + " s / " + BenchStats.num(rssMedian) + " MiB",
          "-",
          "-",
          "≤ 3 s / ≤ 200 MB",
          combine(
              BenchReport.atMost(readyMedian, 3), BenchReport.atMost(rssMedian * 1.048576, 200)));
    }
    if (!failures.isEmpty()) {
      s.append("\n**Start-ups that failed** (not in the medians): ")
          .append(String.join("; ", failures))
          .append(".\n");
      report.row(
          "5",
          "start-ups that failed",
          failures.size() + " of " + bench.runs() * LocalStack.SERVICES.size(),
          "-",
          "-",
          "none",
          "**missed**: see section 5");
    }
    s.append("\nSlowest to ready: ")
        .append(worstReadyName)
        .append(" (")
        .append(BenchStats.num(worstReady))
        .append(" s); largest at ready: ")
        .append(worstRssName)
        .append(" (")
        .append(BenchStats.num(worstRss))
        .append(" MiB). 200 MB = 190.7 MiB.\n");
  }

  private static String combine(String ready, String rss) {
    if (ready.equals("met") && rss.equals("met")) {
      return "met";
    }
    return "ready: " + ready + "; RSS: " + rss;
  }

  private static double quarkusStartedIn(Path log) {
    try {
      Matcher m = Pattern.compile("started in ([0-9.]+)s").matcher(Files.readString(log));
      return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    } catch (IOException e) {
      return Double.NaN;
    }
  }
}
