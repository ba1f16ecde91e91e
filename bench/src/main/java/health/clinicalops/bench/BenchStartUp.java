package health.clinicalops.bench;

import health.clinicalops.drill.LocalStack;
import health.clinicalops.testing.ServiceProcess;
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

  /**
   * One service's restarts.
   *
   * @param ready seconds to ready, each run
   * @param quarkusStartedIn the "started in" Quarkus logged, each run
   * @param rss MiB at ready, each run
   * @param rssAfterLoad MiB of the process that served the benchmarks, before the restarts
   */
  record ServiceStartUp(
      String name,
      List<Double> ready,
      List<Double> quarkusStartedIn,
      List<Double> rss,
      double rssAfterLoad) {

    double readyMedian() {
      return BenchStats.median(ready);
    }

    double quarkusStartedInMedian() {
      return BenchStats.median(quarkusStartedIn);
    }

    double rssMedian() {
      return BenchStats.median(rss);
    }
  }

  /**
   * Item 5's figures.
   *
   * @param failures one line per start-up that failed (not in the medians)
   */
  record Result(
      String loadAtStart,
      int runs,
      List<ServiceStartUp> services,
      List<String> failures,
      String slowestToReady,
      double slowestReadySeconds,
      String largestAtReady,
      double largestRssMiB)
      implements BenchReport.Section {

    String failuresJoined() {
      return String.join("; ", failures);
    }

    @Override
    public String template() {
      return "start-up";
    }

    @Override
    public List<BenchReport.SummaryRow> summary() {
      List<BenchReport.SummaryRow> rows = new ArrayList<>();
      for (ServiceStartUp service : services) {
        rows.add(
            new BenchReport.SummaryRow(
                "5",
                service.name() + ": time to ready / RSS at ready (JVM)",
                BenchStats.num(service.readyMedian())
                    + " s / "
                    + BenchStats.num(service.rssMedian())
                    + " MiB",
                "-",
                "-",
                "≤ 3 s / ≤ 200 MB",
                combine(
                    BenchReport.atMost(service.readyMedian(), 3),
                    BenchReport.atMost(service.rssMedian() * 1.048576, 200))));
      }
      if (!failures.isEmpty()) {
        rows.add(
            new BenchReport.SummaryRow(
                "5",
                "start-ups that failed",
                failures.size() + " of " + runs * services.size(),
                "-",
                "-",
                "none",
                "**missed**: see section 5"));
      }
      return rows;
    }
  }

  static Result measure(BenchRun bench, LocalStack stack) throws Exception {
    String load = BenchMachine.loadAverage();
    double worstReady = 0;
    double worstRss = 0;
    String worstReadyName = "";
    String worstRssName = "";
    List<String> failures = new ArrayList<>();
    List<ServiceStartUp> services = new ArrayList<>();
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
      ServiceStartUp service =
          new ServiceStartUp(
              name, ready, own, rss, bench.rssAfterLoad().getOrDefault(name, Double.NaN));
      services.add(service);
      if (service.readyMedian() > worstReady) {
        worstReady = service.readyMedian();
        worstReadyName = name;
      }
      if (service.rssMedian() > worstRss) {
        worstRss = service.rssMedian();
        worstRssName = name;
      }
    }
    return new Result(
        load, bench.runs(), services, failures, worstReadyName, worstReady, worstRssName, worstRss);
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
