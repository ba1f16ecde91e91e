package health.clinicalops.drill;

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

  static void measure(BenchRun bench, LocalStack stack) throws Exception {
    BenchReport report = bench.report();
    ServiceProcess guard = stack.services().get("auth-guard");
    String token = LocalStack.SERVICE_TOKEN;
    int redisPort = stack.redis().port();
    Path check = bench.repo().resolve("bench/wrk/rate-limit-check.lua");
    Path get = bench.repo().resolve("bench/wrk/get.lua");
    String checkUrl = guard.baseUrl() + "/api/v1/rate-limit/check";
    String trivialUrl = guard.baseUrl() + "/api/v1/rate-limit/windows";
    StringBuilder s = report.section("1. auth-guard: rate-limit decisions");
    String load = BenchMachine.loadAverage();

    bench.progress().step("auth-guard: warm-up");
    BenchWrk.Run warm =
        BenchWrk.run(check, checkUrl, 2, 50, bench.seconds(), List.of(token, "100000"));
    BenchWrk.Run warm2 =
        BenchWrk.run(get, trivialUrl, 2, 50, Math.max(3, bench.seconds() / 2), List.of(token));

    // Peak: the decision endpoint and the trivial endpoint, interleaved.
    List<Double> checkRps = new ArrayList<>();
    List<Double> trivialRps = new ArrayList<>();
    List<String> runLines = new ArrayList<>();
    for (int i = 0; i < bench.runs(); i++) {
      bench.progress().step("auth-guard: peak run " + (i + 1) + "/" + bench.runs());
      String l1 = BenchMachine.loadAverage();
      BenchWrk.Run c =
          BenchWrk.run(check, checkUrl, 2, 50, bench.seconds(), List.of(token, "100000"));
      String l2 = BenchMachine.loadAverage();
      BenchWrk.Run t = BenchWrk.run(get, trivialUrl, 2, 50, bench.seconds(), List.of(token));
      checkRps.add(c.rps());
      trivialRps.add(t.rps());
      runLines.add(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s (p50 %s ms, p99 %s ms, non-2xx %d, socket errors %d) | %s | %s (p50"
                  + " %s ms, p99 %s ms, non-2xx %d) |",
              i + 1,
              l1,
              BenchStats.num(c.rps()),
              BenchStats.num(c.p50()),
              BenchStats.num(c.p99()),
              c.non2xx(),
              c.socketErrors(),
              l2,
              BenchStats.num(t.rps()),
              BenchStats.num(t.p50()),
              BenchStats.num(t.p99()),
              t.non2xx()));
    }
    double peak = BenchStats.median(checkRps);
    double trivial = BenchStats.median(trivialRps);

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
    List<String> halfLines = new ArrayList<>();
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
      halfLines.add(h.tableRow(i + 1, l));
    }

    // redis-benchmark: the same script (EVALSHA of acquire.lua), the same arguments.
    String sha = loadAcquireScript(bench, redisPort);
    List<Double> redisRps = new ArrayList<>();
    List<String> redisLines = new ArrayList<>();
    for (int i = 0; i < bench.runs(); i++) {
      bench.progress().step("redis-benchmark run " + (i + 1) + "/" + bench.runs());
      String l = BenchMachine.loadAverage();
      double[] r = redisBenchmark(bench, redisPort, sha);
      redisRps.add(r[0]);
      redisLines.add(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s | %s | %s |",
              i + 1,
              l,
              BenchStats.num(r[0]),
              BenchStats.num(r[1]),
              BenchStats.num(r[2])));
    }
    double redisPeak = BenchStats.median(redisRps);
    double p99Half = BenchStats.median(halfP99);

    report.row(
        "1",
        "auth-guard decisions/s (`POST /api/v1/rate-limit/check`, Redis)",
        BenchStats.num(peak) + "/s",
        "-",
        "-",
        "≥ 10,000/s on 2 cores",
        BenchReport.atLeast(peak, 10_000));
    report.row(
        "1",
        "… share of the trivial endpoint of the same service",
        BenchStats.num(peak) + "/s",
        BenchStats.num(trivial) + "/s (`GET /api/v1/rate-limit/windows`)",
        BenchStats.percent(peak / trivial),
        "≥ 40%",
        BenchReport.atLeast(peak / trivial * 100, 40));
    report.row(
        "1",
        "… against raw Redis, same script and arguments",
        BenchStats.num(peak) + "/s",
        BenchStats.num(redisPeak) + "/s (redis-benchmark EVALSHA)",
        BenchStats.percent(peak / redisPeak),
        "- (context)",
        "-");
    report.row(
        "1",
        "p99 latency at half of peak (" + BenchStats.num(BenchStats.median(halfRps)) + "/s)",
        BenchStats.num(p99Half) + " ms (p50 " + BenchStats.num(BenchStats.median(halfP50)) + " ms)",
        "-",
        "-",
        "≤ 5 ms",
        BenchReport.atMost(p99Half, 5));
    report.row(
        "1",
        "Redis memory per tracked client key",
        BenchStats.num(bytesPerKey) + " B (" + BenchStats.num(entriesMean) + " entries/key)",
        "-",
        "-",
        "- (reported)",
        "-");

    s.append("Load average at the start: ").append(load).append(".\n\n");
    s.append("`wrk -t2 -c50 -d")
        .append(bench.seconds())
        .append("s --latency` on loopback with ")
        .append("[bench/wrk/rate-limit-check.lua](bench/wrk/rate-limit-check.lua): each request a")
        .append(" random client key out of 100,000 under policy READ (300/min, burst 50/s), so")
        .append(" almost every decision is an allow that writes to Redis (one `EVALSHA` of")
        .append(
            " `acquire.lua`, five keys). The trivial endpoint is `GET /api/v1/rate-limit/windows`")
        .append(
            " of the same service: same HTTP stack, same bearer-token check, JSON out, no Redis;")
        .append(" auth-guard has no simpler `/api` endpoint (`/q/health/live` skips the security")
        .append(" and JAX-RS layers, so it would not be the stack's ceiling for an API call).\n\n");
    s.append(
        "| run | load before | decisions/s | load before | trivial endpoint req/s |\n"
            + "| --- | --- | --- | --- | --- |\n");
    runLines.forEach(l -> s.append(l).append('\n'));
    s.append("\n**Median: ")
        .append(BenchStats.num(peak))
        .append(" decisions/s, ")
        .append(BenchStats.percent(peak / trivial))
        .append(" of the trivial endpoint's ")
        .append(BenchStats.num(trivial))
        .append(" req/s.**\n\n");
    s.append("Half of peak: ")
        .append(connections)
        .append(" connections with a think time of ")
        .append(fmt(delay))
        .append(" ms each (plain `wrk` has no fixed-rate mode; the think time")
        .append(" was calibrated once to reach about ")
        .append(BenchStats.num(target))
        .append("/s, latency is measured per request without it).\n\n");
    s.append(
        "| run | load before | achieved req/s | p50 ms | p99 ms | non-2xx |\n"
            + "| --- | --- | --- | --- | --- | --- |\n");
    halfLines.forEach(l -> s.append(l).append('\n'));
    s.append(
            "\n"
                + "Raw Redis (`redis-benchmark -c 50 --threads 2 -r 100000 EVALSHA <sha of"
                + " acquire.lua> 5")
        .append(
            " ... 300 60000 50 1000 ...`, the arguments auth-guard sends for READ, random keys):")
        .append(" what the decision would cost without HTTP, JSON, security and the client.\n\n");
    s.append(
        "| run | load before | EVALSHA/s | p50 ms | p99 ms |\n| --- | --- | --- | --- | --- |\n");
    redisLines.forEach(l -> s.append(l).append('\n'));
    s.append("\nRedis memory: after `FLUSHALL`, one more run over a space of 1,000,000 keys (")
        .append(BenchStats.num(memoryRun.rps()))
        .append(" decisions/s over ")
        .append(bench.seconds())
        .append(" s) left ")
        .append(keys.size())
        .append(" client keys with ")
        .append(BenchStats.num(entriesMean))
        .append(" entries each on average; `used_memory` grew by ")
        .append(after - before)
        .append(" bytes: **")
        .append(BenchStats.num(bytesPerKey))
        .append(" bytes per tracked client** (its sorted set plus its share of the statistics")
        .append(" window's active-client set). `MEMORY USAGE` of the client's sorted set alone: ")
        .append(BenchStats.num(usageMean))
        .append(" bytes (mean of ")
        .append(sample.size())
        .append(" keys). A client at a full READ window (300 entries) takes ")
        .append(BenchStats.num(fullKey))
        .append(" bytes (`MEMORY USAGE`): memory is O(limit) per")
        .append(" key (the sliding-window log; see auth-guard/README.md). Keys expire after their")
        .append(" window. Warm-up before the runs (not counted): ")
        .append(BenchStats.num(warm.rps()))
        .append(" decisions/s, trivial endpoint ")
        .append(BenchStats.num(warm2.rps()))
        .append(" req/s.\n");
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
