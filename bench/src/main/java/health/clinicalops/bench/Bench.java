package health.clinicalops.bench;

import health.clinicalops.drill.LocalStack;
import health.clinicalops.drill.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;

/**
 * {@code ./clinops bench}: starts the local stack of {@code ./clinops up}, measures each figure of
 * issue 9 side by side with its baseline in the same run (median of several runs), then runs {@code
 * ./clinops drill --json} for the time to mitigate, and rewrites BENCHMARKS.md.
 *
 * <p>Sizes and run counts can be lowered for a quick try (never for the published figures) with the
 * environment: BENCH_RUNS, BENCH_SECONDS, BENCH_LOG_LINES, BENCH_ARCHIVE_ROWS, BENCH_OUTPUT,
 * BENCH_SKIP_DRILL=1.
 */
public final class Bench {

  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final BenchRun bench;
  private final BenchReport report = new BenchReport();

  private Bench(Path repo) {
    this.bench =
        new BenchRun(
            repo,
            repo.resolve(".clinops").resolve("bench"),
            new Progress(),
            intSetting("BENCH_RUNS", 3),
            intSetting("BENCH_SECONDS", 6),
            intSetting("BENCH_LOG_LINES", 1_000_000),
            intSetting("BENCH_ARCHIVE_ROWS", 1_000_000),
            Long.toString(System.currentTimeMillis(), 36),
            new LinkedHashMap<>());
  }

  /** {@code ./clinops bench}; the repository is the system property {@code clinops.repo}. */
  public static void main(String[] args) throws Exception {
    Path repo = Path.of(System.getProperty("clinops.repo", ".")).toAbsolutePath().normalize();
    System.exit(new Bench(repo).runAll());
  }

  private int runAll() throws Exception {
    Files.createDirectories(bench.out());
    Instant started = Instant.now();
    String loadAtStart = BenchMachine.loadAverage();
    boolean ok = true;
    try (LocalStack stack = new LocalStack(bench.repo(), bench.progress())) {
      stack.start();
      ok &= attempt("auth-guard decisions", () -> BenchRateLimits.measure(bench, stack));
      ok &= attempt("auth-guard event ingest", () -> BenchAuthEvents.measure(bench, stack));
      ok &= attempt("error-watch", () -> BenchErrorWatch.measure(bench, stack));
      ok &= attempt("audit-keeper writes", () -> BenchAuditWrites.measure(bench, stack));
      ok &= attempt("audit-keeper archive", () -> BenchArchive.measure(bench, stack));
      stack
          .services()
          .forEach((name, p) -> bench.rssAfterLoad().put(name, BenchMachine.rssMiB(p.pid())));
      ok &= attempt("start-up", () -> BenchStartUp.measure(bench, stack));
      bench.progress().step("stopping the stack");
      copyLogs(stack.workDir().resolve("logs"), bench.out().resolve("logs"));
    }
    if (System.getenv("BENCH_SKIP_DRILL") == null) {
      ok &= attempt("time to mitigate (drill)", () -> BenchTimeToMitigate.measure(bench));
    }
    bench.progress().done();
    double minutes = Duration.between(started, Instant.now()).toSeconds() / 60.0;
    Path target =
        Path.of(
            System.getenv()
                .getOrDefault("BENCH_OUTPUT", bench.repo().resolve("BENCHMARKS.md").toString()));
    report.write(target, header(started, minutes, loadAtStart));
    System.out.println("wrote " + target + " in " + BenchStats.num(minutes) + " min");
    return ok ? 0 : 1;
  }

  private interface Benchmark {
    BenchReport.Section measure() throws Exception;
  }

  /** Runs one benchmark; a failure is written into the report and the others still run. */
  private boolean attempt(String name, Benchmark benchmark) {
    try {
      report.add(benchmark.measure());
      return true;
    } catch (Exception | AssertionError e) {
      System.err.println("\nbenchmark '" + name + "' failed: " + e);
      report.add(new BenchReport.Failed(name, e.toString()));
      return false;
    }
  }

  private BenchReport.Header header(Instant started, double minutes, String loadAtStart) {
    return new BenchReport.Header(
        UTC.format(started),
        minutes,
        BenchMachine.cores(),
        BenchMachine.cpuModel(),
        BenchMachine.memory(),
        BenchMachine.kernel(),
        BenchMachine.jdk(),
        loadAtStart,
        String.join(
            "; ",
            BenchCommand.version("wrk", "-v"),
            BenchCommand.version("jq", "--version"),
            BenchCommand.version("hyperfine", "--version"),
            BenchCommand.version("redis-benchmark", "--version"),
            BenchCommand.version(BenchCommand.psql(), "--version")),
        bench.runs());
  }

  /** The services' logs of the benchmark stack (the drill's stack writes to the same place). */
  private static void copyLogs(Path from, Path to) {
    try (var files = Files.list(from)) {
      Files.createDirectories(to);
      for (Path f : files.toList()) {
        Files.copy(
            f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      System.err.println("could not keep the logs: " + e.getMessage());
    }
  }

  private static int intSetting(String name, int fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : Integer.parseInt(value.strip());
  }
}
