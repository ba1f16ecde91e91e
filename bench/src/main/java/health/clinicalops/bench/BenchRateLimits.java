package health.clinicalops.bench;

import health.clinicalops.drill.LocalStack;
import health.clinicalops.testing.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Item 1: auth-guard's rate-limit decisions against its trivial endpoint and raw Redis. */
final class BenchRateLimits {

  private BenchRateLimits() {}

  /** One peak run: the decision endpoint, then the trivial endpoint, each with the load before. */
  record PeakRun(String checkLoad, BenchWrk.Run check, String trivialLoad, BenchWrk.Run trivial) {}

  /** One redis-benchmark run of EVALSHA: calls/s and latency percentiles in ms. */
  record RedisRun(String load, double perSecond, double p50, double p99) {}

  /**
   * Item 1's figures.
   *
   * @param delay the calibrated think time (ms) of the half-of-peak runs
   * @param target the rate (req/s) the half-of-peak runs aim at
   * @param memoryGrowth growth of Redis' {@code used_memory} (bytes) over the memory run
   */
  record Result(
      String loadAtStart,
      int seconds,
      List<PeakRun> peakRuns,
      double peak,
      double trivial,
      int connections,
      double delay,
      double target,
      List<BenchWrk.LoadedRun> halfRuns,
      double halfRps,
      double halfP50,
      double halfP99,
      List<RedisRun> redisRuns,
      double redisPeak,
      double memoryRunRps,
      int keyCount,
      double entriesMean,
      long memoryGrowth,
      double bytesPerKey,
      double usageMean,
      int sampleSize,
      double fullKeyBytes,
      double warmUpDecisions,
      double warmUpTrivial)
      implements BenchReport.Section {

    double trivialShare() {
      return peak / trivial;
    }

    @Override
    public String template() {
      return "rate-limits";
    }

    @Override
    public List<BenchReport.SummaryRow> summary() {
      return List.of(
          new BenchReport.SummaryRow(
              "1",
              "auth-guard decisions/s (`POST /api/v1/rate-limit/check`, Redis)",
              BenchStats.num(peak) + "/s",
              "-",
              "-",
              "≥ 10,000/s on 2 cores",
              BenchReport.atLeast(peak, 10_000)),
          new BenchReport.SummaryRow(
              "1",
              "… share of the trivial endpoint of the same service",
              BenchStats.num(peak) + "/s",
              BenchStats.num(trivial) + "/s (`GET /api/v1/rate-limit/windows`)",
              BenchStats.percent(peak / trivial),
              "≥ 40%",
              BenchReport.atLeast(peak / trivial * 100, 40)),
          new BenchReport.SummaryRow(
              "1",
              "… against raw Redis, same script and arguments",
              BenchStats.num(peak) + "/s",
              BenchStats.num(redisPeak) + "/s (redis-benchmark EVALSHA)",
              BenchStats.percent(peak / redisPeak),
              "- (context)",
              "-"),
          new BenchReport.SummaryRow(
              "1",
              "p99 latency at half of peak (" + BenchStats.num(halfRps) + "/s)",
              BenchStats.num(halfP99) + " ms (p50 " + BenchStats.num(halfP50) + " ms)",
              "-",
              "-",
              "≤ 5 ms",
              BenchReport.atMost(halfP99, 5)),
          new BenchReport.SummaryRow(
              "1",
              "Redis memory per tracked client key",
              BenchStats.num(bytesPerKey) + " B (" + BenchStats.num(entriesMean) + " entries/key)",
              "-",
              "-",
              "- (reported)",
              "-"));
    }
  }

  static Result measure(BenchRun bench, LocalStack stack) throws Exception {
    ServiceProcess guard = stack.services().get("auth-guard");
    String token = LocalStack.SERVICE_TOKEN;
    int redisPort = stack.redis().port();
    Path check = bench.repo().resolve("bench/wrk/rate-limit-check.lua");
    Path get = bench.repo().resolve("bench/wrk/get.lua");
    String checkUrl = guard.baseUrl() + "/api/v1/rate-limit/check";
    String trivialUrl = guard.baseUrl() + "/api/v1/rate-limit/windows";
    String load = BenchMachine.loadAverage();

    bench.progress().step("auth-guard: warm-up");
    BenchWrk.Run warm =
        BenchWrk.run(check, checkUrl, 2, 50, bench.seconds(), List.of(token, "100000"));
    BenchWrk.Run warm2 =
        BenchWrk.run(get, trivialUrl, 2, 50, Math.max(3, bench.seconds() / 2), List.of(token));

    // Peak: the decision endpoint and the trivial endpoint, interleaved.
    List<Double> checkRps = new ArrayList<>();
    List<Double> trivialRps = new ArrayList<>();
    List<PeakRun> peakRuns = new ArrayList<>();
    for (int i = 0; i < bench.runs(); i++) {
      bench.progress().step("auth-guard: peak run " + (i + 1) + "/" + bench.runs());
      String l1 = BenchMachine.loadAverage();
      BenchWrk.Run c =
          BenchWrk.run(check, checkUrl, 2, 50, bench.seconds(), List.of(token, "100000"));
      String l2 = BenchMachine.loadAverage();
      BenchWrk.Run t = BenchWrk.run(get, trivialUrl, 2, 50, bench.seconds(), List.of(token));
      checkRps.add(c.rps());
      trivialRps.add(t.rps());
      peakRuns.add(new PeakRun(l1, c, l2, t));
    }
    double peak = BenchStats.median(checkRps);

    // Redis memory per tracked client key: an empty Redis, one run over fresh keys, the growth.
    bench.progress().step("auth-guard: Redis memory per key");
    redis(redisPort, "FLUSHALL");
    long before = usedMemory(redisPort);
    BenchWrk.Run memoryRun =
        BenchWrk.run(check, checkUrl, 2, 50, bench.seconds(), List.of(token, "1000000"));
    long after = usedMemory(redisPort);
    List<String> keys =
        redis(redisPort, "--scan", "--pattern", "clinicalops:auth-guard:rl:*")
            .lines()
            .filter(l -> !l.isBlank())
            .toList();
    List<String> sample = keys.subList(0, Math.min(200, keys.size()));
    List<String> usage = new ArrayList<>();
    List<String> cards = new ArrayList<>();
    for (String key : sample) {
      usage.add("MEMORY USAGE " + key + " SAMPLES 0");
      cards.add("ZCARD " + key);
    }
    double usageMean = meanOfNumbers(redisPipe(bench, redisPort, usage));
    double entriesMean = meanOfNumbers(redisPipe(bench, redisPort, cards));
    double bytesPerKey = keys.isEmpty() ? Double.NaN : (after - before) / (double) keys.size();
    double fullKey = fullWindowKeyBytes(bench, redisPort);

    // Half of peak: the same connections with think time, calibrated once.
    int connections = 16;
    double target = peak / 2;
    double delay = connections * 1000.0 / target;
    bench.progress().step("auth-guard: calibrating half of peak");
    BenchWrk.Run calib =
        BenchWrk.run(
            check,
            checkUrl,
            2,
            connections,
            Math.max(3, bench.seconds() / 2),
            List.of(token, "100000", fmt(delay)));
    double latency = Math.max(0, connections * 1000.0 / calib.rps() - delay);
    delay = Math.max(0, connections * 1000.0 / target - latency);
    List<Double> halfP50 = new ArrayList<>();
    List<Double> halfP99 = new ArrayList<>();
    List<Double> halfRps = new ArrayList<>();
    List<BenchWrk.LoadedRun> halfRuns = new ArrayList<>();
    for (int i = 0; i < bench.runs(); i++) {
      bench.progress().step("auth-guard: half-of-peak run " + (i + 1) + "/" + bench.runs());
      String l = BenchMachine.loadAverage();
      BenchWrk.Run h =
          BenchWrk.run(
              check,
              checkUrl,
              2,
              connections,
              bench.seconds(),
              List.of(token, "100000", fmt(delay)));
      halfP50.add(h.p50());
      halfP99.add(h.p99());
      halfRps.add(h.rps());
      halfRuns.add(new BenchWrk.LoadedRun(l, h));
    }

    // redis-benchmark: the same script (EVALSHA of acquire.lua), the same arguments.
    String sha = loadAcquireScript(bench, redisPort);
    List<Double> redisRps = new ArrayList<>();
    List<RedisRun> redisRuns = new ArrayList<>();
    for (int i = 0; i < bench.runs(); i++) {
      bench.progress().step("redis-benchmark run " + (i + 1) + "/" + bench.runs());
      String l = BenchMachine.loadAverage();
      double[] r = redisBenchmark(bench, redisPort, sha);
      redisRps.add(r[0]);
      redisRuns.add(new RedisRun(l, r[0], r[1], r[2]));
    }
    return new Result(
        load,
        bench.seconds(),
        peakRuns,
        BenchStats.median(checkRps),
        BenchStats.median(trivialRps),
        connections,
        delay,
        target,
        halfRuns,
        BenchStats.median(halfRps),
        BenchStats.median(halfP50),
        BenchStats.median(halfP99),
        redisRuns,
        BenchStats.median(redisRps),
        memoryRun.rps(),
        keys.size(),
        entriesMean,
        after - before,
        bytesPerKey,
        usageMean,
        sample.size(),
        fullKey,
        warm.rps(),
        warm2.rps());
  }

  private static double fullWindowKeyBytes(BenchRun bench, int port) throws Exception {
    String sha = loadAcquireScript(bench, port);
    String key = "clinicalops:auth-guard:rl:READ:bench-full-window";
    List<String> commands = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      // burst = limit: the burst check would refuse most of 300 requests sent within a second.
      commands.add(
          "EVALSHA "
              + sha
              + " 5 "
              + key
              + " bench:ow:active bench:ow:limited bench:ow:endpoints bench:ow:denials"
              + " 300 60000 300 1000 m-"
              + i
              + " bench-full-window /api/notes 120000");
    }
    redisPipe(bench, port, commands);
    return meanOfNumbers(redisPipe(bench, port, List.of("MEMORY USAGE " + key + " SAMPLES 0")));
  }

  private static double[] redisBenchmark(BenchRun bench, int port, String sha) {
    String prefix = "clinicalops:auth-guard:";
    List<String> command =
        new ArrayList<>(
            List.of(
                "redis-benchmark",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-c",
                "50",
                "--threads",
                "2",
                "-n",
                Integer.toString(Math.max(20_000, bench.seconds() * 15_000)),
                "-r",
                "100000",
                "--csv",
                "EVALSHA",
                sha,
                "5",
                prefix + "rl:READ:rb-__rand_int__",
                prefix + "ow:READ:0:active",
                prefix + "ow:READ:0:limited",
                prefix + "ow:READ:0:endpoints",
                prefix + "ow:READ:0:denials",
                "300",
                "60000",
                "50",
                "1000",
                "m-__rand_int__",
                "rb-__rand_int__",
                "/api/notes",
                "120000"));
    String output =
        BenchCommand.run(command, Duration.ofMinutes(3)).orFail("redis-benchmark").output();
    Matcher m =
        Pattern.compile(
                "\"([0-9.]+)\",\"([0-9.]+)\",\"([0-9.]+)\",\"([0-9.]+)\",\"([0-9.]+)\",\"([0-9.]+)\",\"([0-9.]+)\"\\s*$",
                Pattern.MULTILINE)
            .matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("cannot read redis-benchmark's CSV: " + output);
    }
    return new double[] {
      Double.parseDouble(m.group(1)), Double.parseDouble(m.group(4)), Double.parseDouble(m.group(6))
    };
  }

  private static String redis(int port, String... args) {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
    command.addAll(List.of(args));
    return BenchCommand.run(command, Duration.ofMinutes(2)).orFail("redis-cli").output();
  }

  private static List<String> redisPipe(BenchRun bench, int port, List<String> commands)
      throws IOException {
    Path file = bench.out().resolve("redis-commands.txt");
    Files.write(file, commands);
    String output =
        BenchCommand.run(
                List.of("redis-cli", "-p", Integer.toString(port)),
                Map.of(),
                file,
                Duration.ofMinutes(2))
            .orFail("redis-cli")
            .output();
    return output.lines().toList();
  }

  private static long usedMemory(int port) {
    Matcher m =
        Pattern.compile("^used_memory:(\\d+)", Pattern.MULTILINE)
            .matcher(redis(port, "INFO", "memory"));
    if (!m.find()) {
      throw new IllegalStateException("no used_memory in INFO memory");
    }
    return Long.parseLong(m.group(1));
  }

  private static double meanOfNumbers(List<String> lines) {
    List<Double> values = new ArrayList<>();
    for (String line : lines) {
      String v = line.replace("(integer)", "").strip();
      if (v.matches("\\d+")) {
        values.add(Double.parseDouble(v));
      }
    }
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** Loads auth-guard's acquire.lua into Redis and returns its SHA-1, for EVALSHA. */
  private static String loadAcquireScript(BenchRun bench, int port) throws Exception {
    Path script = bench.repo().resolve("auth-guard/src/main/resources/redis/acquire.lua");
    byte[] digest = MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(script));
    redis(port, "SCRIPT", "LOAD", Files.readString(script));
    return HexFormat.of().formatHex(digest);
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }
}
