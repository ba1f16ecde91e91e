package health.clinicalops.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./clinops bench}: starts the local stack of {@code ./clinops up}, measures each figure of
 * issue 9 side by side with its baseline in the same run (median of several runs), then runs {@code
 * ./clinops drill --json} for the time to mitigate, and rewrites BENCHMARKS.md.
 *
 * <p>Sizes and run counts can be lowered for a quick try (never for the published figures) with the
 * environment: BENCH_RUNS, BENCH_SECONDS, BENCH_LOG_LINES, BENCH_ARCHIVE_ROWS, BENCH_OUTPUT,
 * BENCH_SKIP_DRILL=1.
 */
final class Bench {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final Path repo;
  private final Path out;
  private final Progress progress = new Progress();
  private final BenchReport report = new BenchReport();
  private final int runs = intSetting("BENCH_RUNS", 3);
  private final int seconds = intSetting("BENCH_SECONDS", 6);
  private final int logLines = intSetting("BENCH_LOG_LINES", 1_000_000);
  private final int archiveRows = intSetting("BENCH_ARCHIVE_ROWS", 1_000_000);
  private final Map<String, Double> rssAfterLoad = new LinkedHashMap<>();
  private final String run = Long.toString(System.currentTimeMillis(), 36);

  private Bench(Path repo) {
    this.repo = repo;
    this.out = repo.resolve(".clinops").resolve("bench");
  }

  static int run(Path repo) throws Exception {
    return new Bench(repo).runAll();
  }

  private int runAll() throws Exception {
    Files.createDirectories(out);
    Instant started = Instant.now();
    String loadAtStart = BenchMachine.loadAverage();
    boolean ok = true;
    try (LocalStack stack = new LocalStack(repo, progress)) {
      stack.start();
      ok &= attempt("auth-guard decisions", () -> rateLimitChecks(stack));
      ok &= attempt("auth-guard event ingest", () -> authEvents(stack));
      ok &= attempt("error-watch", () -> errorWatch(stack));
      ok &= attempt("audit-keeper writes", () -> auditWrites(stack));
      ok &= attempt("audit-keeper archive", () -> archive(stack));
      stack.services().forEach((name, p) -> rssAfterLoad.put(name, BenchMachine.rssMiB(p.pid())));
      ok &= attempt("start-up", () -> startUp(stack));
      progress.step("stopping the stack");
      copyLogs(stack.workDir().resolve("logs"), out.resolve("logs"));
    }
    if (System.getenv("BENCH_SKIP_DRILL") == null) {
      ok &= attempt("time to mitigate (drill)", this::drill);
    }
    progress.done();
    double minutes = Duration.between(started, Instant.now()).toSeconds() / 60.0;
    Path target =
        Path.of(
            System.getenv().getOrDefault("BENCH_OUTPUT", repo.resolve("BENCHMARKS.md").toString()));
    report.write(target, header(started, minutes, loadAtStart));
    System.out.println("wrote " + target + " in " + BenchStats.num(minutes) + " min");
    return ok ? 0 : 1;
  }

  private interface Step {
    void run() throws Exception;
  }

  /** Runs one benchmark; a failure is written into the report and the others still run. */
  private boolean attempt(String name, Step step) {
    try {
      step.run();
      return true;
    } catch (Exception | AssertionError e) {
      System.err.println("\nbenchmark '" + name + "' failed: " + e);
      report.section(name + ": FAILED").append("The benchmark failed: `").append(e).append("`\n");
      report.row("-", name, "failed", "-", "-", "-", "**not measured** (failed, see below)");
      return false;
    }
  }

  private String header(Instant started, double minutes, String loadAtStart) {
    return "# Benchmarks\n\n"
        + "Written by a real run of\n\n```bash\n./clinops bench\n```\n\n"
        + "on "
        + UTC.format(started)
        + ", which took "
        + BenchStats.num(minutes)
        + " minutes end to end (start-up of the local stack, every benchmark, then `./clinops drill"
        + " --json`). Rerun it to rewrite this file; what it runs and how is in"
        + " [bench/README.md](bench/README.md).\n\n"
        + "Machine: "
        + BenchMachine.cores()
        + " cores, "
        + BenchMachine.cpuModel()
        + ", "
        + BenchMachine.memory()
        + " RAM, "
        + BenchMachine.kernel()
        + ", JDK "
        + BenchMachine.jdk()
        + ". Load average (1, 5, 15 min) at the start: "
        + loadAtStart
        + ". Tools: "
        + BenchCommand.version("wrk", "-v")
        + "; "
        + BenchCommand.version("jq", "--version")
        + "; "
        + BenchCommand.version("hyperfine", "--version")
        + "; "
        + BenchCommand.version("redis-benchmark", "--version")
        + "; "
        + BenchCommand.version(psql(), "--version")
        + ".\n\n"
        + "The load average before each benchmark is given in its section: it counts the"
        + " benchmarks' own processes too, and far above the number of cores means something else"
        + " was running. Load generator and services share the same cores, so every figure here"
        + " is a lower bound of what the service does on cores of its own. Each figure is the"
        + " median of "
        + runs
        + " runs, and its baseline was measured in the same run, interleaved where possible, so"
        + " the ratios are fairer than the absolute figures. The services run as in the drill: JVM"
        + " mode, `-Xmx256m -XX:+UseSerialGC`, JSON logs, the drill's settings.\n";
  }

  // ---------------------------------------------------------------- 1. rate-limit decisions

  private void rateLimitChecks(LocalStack stack) throws Exception {
    ServiceProcess guard = stack.services().get("auth-guard");
    String token = LocalStack.SERVICE_TOKEN;
    int redisPort = stack.redis().port();
    Path check = repo.resolve("bench/wrk/rate-limit-check.lua");
    Path get = repo.resolve("bench/wrk/get.lua");
    String checkUrl = guard.baseUrl() + "/api/v1/rate-limit/check";
    String trivialUrl = guard.baseUrl() + "/api/v1/rate-limit/windows";
    StringBuilder s = report.section("1. auth-guard: rate-limit decisions");
    String load = BenchMachine.loadAverage();

    progress.step("auth-guard: warm-up");
    BenchWrk.Run warm = BenchWrk.run(check, checkUrl, 2, 50, seconds, List.of(token, "100000"));
    BenchWrk.Run warm2 =
        BenchWrk.run(get, trivialUrl, 2, 50, Math.max(3, seconds / 2), List.of(token));

    // Peak: the decision endpoint and the trivial endpoint, interleaved.
    List<Double> checkRps = new ArrayList<>();
    List<Double> trivialRps = new ArrayList<>();
    List<String> runLines = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      progress.step("auth-guard: peak run " + (i + 1) + "/" + runs);
      String l1 = BenchMachine.loadAverage();
      BenchWrk.Run c = BenchWrk.run(check, checkUrl, 2, 50, seconds, List.of(token, "100000"));
      String l2 = BenchMachine.loadAverage();
      BenchWrk.Run t = BenchWrk.run(get, trivialUrl, 2, 50, seconds, List.of(token));
      checkRps.add(c.rps());
      trivialRps.add(t.rps());
      runLines.add(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s (p50 %s ms, p99 %s ms, non-2xx %d, socket errors %d) | %s | %s (p50 %s ms, p99 %s ms, non-2xx %d) |",
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
    progress.step("auth-guard: Redis memory per key");
    redis(redisPort, "FLUSHALL");
    long before = usedMemory(redisPort);
    BenchWrk.Run memoryRun =
        BenchWrk.run(check, checkUrl, 2, 50, seconds, List.of(token, "1000000"));
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
    double usageMean = meanOfNumbers(redisPipe(redisPort, usage));
    double entriesMean = meanOfNumbers(redisPipe(redisPort, cards));
    double bytesPerKey = keys.isEmpty() ? Double.NaN : (after - before) / (double) keys.size();
    double fullKey = fullWindowKeyBytes(redisPort);

    // Half of peak: the same connections with think time, calibrated once.
    int connections = 16;
    double target = peak / 2;
    double delay = connections * 1000.0 / target;
    progress.step("auth-guard: calibrating half of peak");
    BenchWrk.Run calib =
        BenchWrk.run(
            check,
            checkUrl,
            2,
            connections,
            Math.max(3, seconds / 2),
            List.of(token, "100000", fmt(delay)));
    double latency = Math.max(0, connections * 1000.0 / calib.rps() - delay);
    delay = Math.max(0, connections * 1000.0 / target - latency);
    List<Double> halfP50 = new ArrayList<>();
    List<Double> halfP99 = new ArrayList<>();
    List<Double> halfRps = new ArrayList<>();
    List<String> halfLines = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      progress.step("auth-guard: half-of-peak run " + (i + 1) + "/" + runs);
      String l = BenchMachine.loadAverage();
      BenchWrk.Run h =
          BenchWrk.run(
              check, checkUrl, 2, connections, seconds, List.of(token, "100000", fmt(delay)));
      halfP50.add(h.p50());
      halfP99.add(h.p99());
      halfRps.add(h.rps());
      halfLines.add(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s | %s | %s | %d |",
              i + 1,
              l,
              BenchStats.num(h.rps()),
              BenchStats.num(h.p50()),
              BenchStats.num(h.p99()),
              h.non2xx()));
    }

    // redis-benchmark: the same script (EVALSHA of acquire.lua), the same arguments.
    String sha = scriptSha(repo.resolve("auth-guard/src/main/resources/redis/acquire.lua"));
    redis(
        redisPort,
        "SCRIPT",
        "LOAD",
        Files.readString(repo.resolve("auth-guard/src/main/resources/redis/acquire.lua")));
    List<Double> redisRps = new ArrayList<>();
    List<String> redisLines = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      progress.step("redis-benchmark run " + (i + 1) + "/" + runs);
      String l = BenchMachine.loadAverage();
      double[] r = redisBenchmark(redisPort, sha);
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
        .append(seconds)
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
        "| run | load before | decisions/s | load before | trivial endpoint req/s |\n| --- | --- | --- | --- | --- |\n");
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
        "| run | load before | achieved req/s | p50 ms | p99 ms | non-2xx |\n| --- | --- | --- | --- | --- | --- |\n");
    halfLines.forEach(l -> s.append(l).append('\n'));
    s.append(
            "\nRaw Redis (`redis-benchmark -c 50 --threads 2 -r 100000 EVALSHA <sha of acquire.lua> 5")
        .append(
            " ... 300 60000 50 1000 ...`, the arguments auth-guard sends for READ, random keys):")
        .append(" what the decision would cost without HTTP, JSON, security and the client.\n\n");
    s.append(
        "| run | load before | EVALSHA/s | p50 ms | p99 ms |\n| --- | --- | --- | --- | --- |\n");
    redisLines.forEach(l -> s.append(l).append('\n'));
    s.append("\nRedis memory: after `FLUSHALL`, one more run over a space of 1,000,000 keys (")
        .append(BenchStats.num(memoryRun.rps()))
        .append(" decisions/s over ")
        .append(seconds)
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

  private double fullWindowKeyBytes(int port) throws Exception {
    String sha = scriptSha(repo.resolve("auth-guard/src/main/resources/redis/acquire.lua"));
    redis(
        port,
        "SCRIPT",
        "LOAD",
        Files.readString(repo.resolve("auth-guard/src/main/resources/redis/acquire.lua")));
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
    redisPipe(port, commands);
    return meanOfNumbers(redisPipe(port, List.of("MEMORY USAGE " + key + " SAMPLES 0")));
  }

  private double[] redisBenchmark(int port, String sha) {
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
                Integer.toString(Math.max(20_000, seconds * 15_000)),
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

  // ---------------------------------------------------------------- 2. auth event ingest

  private void authEvents(LocalStack stack) throws Exception {
    ServiceProcess guard = stack.services().get("auth-guard");
    StringBuilder s = report.section("2. auth-guard: auth event ingest (NDJSON batches)");
    int batch = 1000;
    int senders = 4;
    AtomicLong ip = new AtomicLong(1);
    progress.step("auth-guard events: warm-up");
    authEventRun(guard, batch, senders, Math.max(3, seconds / 2), ip);
    List<Double> rates = new ArrayList<>();
    s.append("| run | load before | events/s |\n| --- | --- | --- |\n");
    for (int i = 0; i < runs; i++) {
      progress.step("auth-guard events: run " + (i + 1) + "/" + runs);
      String l = BenchMachine.loadAverage();
      double r = authEventRun(guard, batch, senders, seconds, ip);
      rates.add(r);
      s.append(String.format(Locale.ROOT, "| %d | %s | %s |%n", i + 1, l, BenchStats.num(r)));
    }
    double median = BenchStats.median(rates);
    s.append("\n")
        .append(senders)
        .append(" clients (Java HttpClient) each POST `application/x-ndjson`")
        .append(" batches of ")
        .append(batch)
        .append(" events to `/api/v1/auth-events` for ")
        .append(seconds)
        .append(" s. 90% are successful sign-ins, 10% failures; each failure comes")
        .append(" from an IP and for an account never seen before, so each costs its Redis round")
        .append(" trip (`record-failure.lua`) and an abuse assessment, but no block or incident")
        .append(" follows (those are the drill's business). An event counts when the response")
        .append(" accepted it. **Median ")
        .append(BenchStats.num(median))
        .append(" events/s.**\n");
    report.row(
        "2",
        "auth events/s via NDJSON batches (10% failures)",
        BenchStats.num(median) + "/s",
        "-",
        "-",
        "≥ 20,000/s",
        BenchReport.atLeast(median, 20_000));
  }

  private double authEventRun(
      ServiceProcess guard, int batch, int senders, double secs, AtomicLong ip) throws Exception {
    AtomicLong accepted = new AtomicLong();
    long start = System.nanoTime();
    long end = start + (long) (secs * 1e9);
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < senders; t++) {
        futures.add(
            pool.submit(
                () -> {
                  java.util.Random random = new java.util.Random();
                  while (System.nanoTime() < end) {
                    StringBuilder body = new StringBuilder(batch * 120);
                    for (int i = 0; i < batch; i++) {
                      if (random.nextInt(10) == 0) {
                        long n = ip.incrementAndGet();
                        body.append("{\"ip\":\"100.")
                            .append(64 + (n >> 16 & 63))
                            .append('.')
                            .append(n >> 8 & 255)
                            .append('.')
                            .append(n & 255)
                            .append("\",\"username\":\"bench-")
                            .append(run)
                            .append('-')
                            .append(n)
                            .append(
                                "@example.org\",\"outcome\":\"failure\",\"userAgent\":\"bench\"}\n");
                      } else {
                        int u = random.nextInt(5000);
                        body.append("{\"ip\":\"198.51.100.")
                            .append(u % 250)
                            .append("\",\"username\":\"user")
                            .append(u)
                            .append(
                                "@clinic.example\",\"outcome\":\"success\",\"userAgent\":\"bench\"}\n");
                      }
                    }
                    HttpResponse<String> r =
                        HTTP.send(
                            HttpRequest.newBuilder(
                                    URI.create(guard.baseUrl() + "/api/v1/auth-events"))
                                .timeout(Duration.ofSeconds(30))
                                .header("Authorization", "Bearer " + LocalStack.SERVICE_TOKEN)
                                .header("Content-Type", "application/x-ndjson")
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                .build(),
                            HttpResponse.BodyHandlers.ofString());
                    Matcher m = Pattern.compile("\"accepted\":(\\d+)").matcher(r.body());
                    if (r.statusCode() != 200 || !m.find()) {
                      throw new IllegalStateException(
                          "auth-events answered " + r.statusCode() + ": " + r.body());
                    }
                    accepted.addAndGet(Long.parseLong(m.group(1)));
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return accepted.get() / ((System.nanoTime() - start) / 1e9);
  }

  // ---------------------------------------------------------------- 3. error-watch

  private void errorWatch(LocalStack stack) throws Exception {
    StringBuilder s =
        report.section("3. error-watch: the runbook's top-errors question, and HTTP ingest");
    Path logs = out.resolve("logs.json");
    progress.step("error-watch: writing " + logLines + " log lines");
    new BenchLogs(42).write(logs, logLines, Instant.parse("2026-01-16T10:00:00Z"), 3_600_000L);
    try (InputStream in = Files.newInputStream(logs)) { // into the page cache for every contender
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    long errors;
    try (var lines = Files.lines(logs)) {
      errors = lines.filter(l -> l.contains("\"level\":\"error\"")).count();
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String jar = repo.resolve("error-watch/target/quarkus-app/quarkus-run.jar").toString();
    String runbook = repo.resolve("bench/pipelines/runbook-top-errors.sh") + " " + logs;
    String everyLine = repo.resolve("bench/pipelines/jq-every-line.sh") + " " + logs;
    String fileMode = java + " -jar " + jar + " top-errors " + logs;
    Path small = out.resolve("logs-1000.json");
    try (var lines = Files.lines(logs)) {
      Files.write(small, lines.limit(1000).toList());
    }
    String startOnly = java + " -jar " + jar + " top-errors " + small;
    progress.step("error-watch: hyperfine (file mode, runbook pipeline, jq over every line)");
    String load = BenchMachine.loadAverage();
    Path json = out.resolve("hyperfine-error-watch.json");
    BenchCommand.run(
            List.of(
                "hyperfine",
                "--runs",
                Integer.toString(runs),
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
        .append(String.format(Locale.ROOT, "%,d", logLines))
        .append(" lines (")
        .append(Files.size(logs) / (1024 * 1024))
        .append(" MiB) in the DESIGN.md format, ")
        .append(String.format(Locale.ROOT, "%,d", errors))
        .append(" of them `level=error` (")
        .append(BenchStats.percent(errors / (double) logLines))
        .append(") from six bugs; five of them")
        .append(" put ids, IP addresses, UUIDs or durations in `error.message` (see")
        .append(" `BenchLogs` in drill/). Timed with `hyperfine --runs ")
        .append(runs)
        .append("` after reading the file once into the page cache; the file mode includes its JVM")
        .append(" start (it is what an on-call person runs; the 1,000-line row shows that part:")
        .append(" ")
        .append(BenchStats.num(start))
        .append(" s).\n\n");
    s.append("| command | median s | runs (s) | error-watch is |\n| --- | --- | --- | --- |\n");
    String[] names = {
      "error-watch file mode: `java -jar error-watch/.../quarkus-run.jar top-errors logs.json`",
      "(a) the runbook: [`grep '\"level\":\"error\"' logs.json \\| jq -r '.error.message' \\| sort \\| uniq -c \\| sort -rn \\| head`](bench/pipelines/runbook-top-errors.sh)",
      "error-watch file mode on the first 1,000 lines: what its JVM start costs",
      "(b) [`jq -r 'select(.level==\"error\") \\| .error.message' logs.json \\| sort \\| uniq -c \\| sort -rn \\| head`](bench/pipelines/jq-every-line.sh)"
    };
    for (int i = 0; i < 4; i++) {
      JsonNode r = results.get(i);
      List<Double> times = new ArrayList<>();
      r.get("times").forEach(t -> times.add(t.asDouble()));
      double median = r.get("median").asDouble();
      s.append("| ")
          .append(names[i])
          .append(" | ")
          .append(BenchStats.num(median))
          .append(" | ")
          .append(BenchStats.list(times))
          .append(" | ")
          .append(
              i == 0 || i == 2
                  ? "-"
                  : median >= mode
                      ? BenchStats.ratio(median / mode) + " faster"
                      : BenchStats.ratio(mode / median) + " slower")
          .append(" |\n");
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
    Path batch = out.resolve("ingest-batch.ndjson");
    int batchLines = 5000;
    new BenchLogs(7).write(batch, batchLines, Instant.now().minusSeconds(5), 5000);
    Path post = repo.resolve("bench/wrk/post-file.lua");
    String url = watch.baseUrl() + "/api/v1/logs";
    List<String> args = List.of(LocalStack.SERVICE_TOKEN, batch.toString(), "application/x-ndjson");
    progress.step("error-watch: HTTP ingest warm-up");
    BenchWrk.run(post, url, 2, 4, Math.max(3, seconds / 2), args);
    List<Double> rates = new ArrayList<>();
    s.append("\nHTTP ingest: `wrk -t2 -c4 -d")
        .append(seconds)
        .append("s` POSTing the same ")
        .append(batchLines)
        .append("-line NDJSON batch (")
        .append(Files.size(batch) / 1024)
        .append(" KiB, same generator, timestamps of the run)")
        .append(" to `/api/v1/logs` ([bench/wrk/post-file.lua](bench/wrk/post-file.lua)).\n\n")
        .append(
            "| run | load before | batches/s | lines/s | p99 ms per batch | non-2xx |\n| --- | --- | --- | --- | --- | --- |\n");
    for (int i = 0; i < runs; i++) {
      progress.step("error-watch: HTTP ingest run " + (i + 1) + "/" + runs);
      String l = BenchMachine.loadAverage();
      BenchWrk.Run r = BenchWrk.run(post, url, 2, 4, seconds, args);
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

  // ---------------------------------------------------------------- 4. audit-keeper writes

  private void auditWrites(LocalStack stack) throws Exception {
    ServiceProcess keeper = stack.services().get("audit-keeper");
    StringBuilder s = report.section("4. audit-keeper: durable writes");
    String durability;
    try (Connection c = stack.postgres().connect(AppDatabase.APP)) {
      durability =
          "synchronous_commit="
              + show(c, "synchronous_commit")
              + ", fsync="
              + show(c, "fsync")
              + ", wal_sync_method="
              + show(c, "wal_sync_method");
      int batch = 1000;
      int senders = 2;
      progress.step("audit-keeper: warm-up");
      BenchAudit.serviceBatches(
          keeper.baseUrl(),
          LocalStack.SERVICE_TOKEN,
          run,
          batch,
          senders,
          Math.max(3, seconds / 2));
      List<Double> service = new ArrayList<>();
      List<Double> single = new ArrayList<>();
      List<Double> copy = new ArrayList<>();
      s.append(
          "| run | load before | batch endpoint rows/s | (a) single autocommit INSERTs rows/s | (b) COPY rows/s |\n| --- | --- | --- | --- | --- |\n");
      for (int i = 0; i < runs; i++) {
        progress.step("audit-keeper: run " + (i + 1) + "/" + runs);
        String l = BenchMachine.loadAverage();
        service.add(
            BenchAudit.serviceBatches(
                keeper.baseUrl(), LocalStack.SERVICE_TOKEN, run, batch, senders, seconds));
        single.add(BenchAudit.singleInserts(c, run, seconds));
        copy.add(BenchAudit.copyBatches(c, run, batch, seconds));
        s.append(
            String.format(
                Locale.ROOT,
                "| %d | %s | %s | %s | %s |%n",
                i + 1,
                l,
                BenchStats.num(service.get(i)),
                BenchStats.num(single.get(i)),
                BenchStats.num(copy.get(i))));
      }
      progress.step("audit-keeper: one large COPY");
      long t0 = System.nanoTime();
      BenchAudit.bulkLoad(c, run, 100_000, Instant.now());
      double bigCopy = 100_000 / ((System.nanoTime() - t0) / 1e9);
      double sv = BenchStats.median(service);
      double sa = BenchStats.median(single);
      double sb = BenchStats.median(copy);
      s.append("\nDurability: every contender commits to the same PostgreSQL 15 (")
          .append(durability)
          .append(
              ", the server's settings, which neither audit-keeper nor the baselines change) and")
          .append(" writes the same kind of rows into the same `\"AuditLog\"` table, through its")
          .append(" hash-chain trigger. The batch endpoint: ")
          .append(senders)
          .append(" clients each POST")
          .append(" NDJSON batches of ")
          .append(batch)
          .append(" events; an event counts when the")
          .append(
              " answer is 201 with `durableIn: database`. (a) one JDBC connection, one prepared")
          .append(
              " `INSERT` per row, autocommit. (b) one JDBC connection, one `COPY ... FROM STDIN`")
          .append(" per batch of ")
          .append(batch)
          .append(" rows, autocommit (one commit per batch, as")
          .append(" the endpoint does). For reference, one `COPY` of 100,000 rows in one commit: ")
          .append(BenchStats.num(bigCopy))
          .append(" rows/s.\n\n**Medians: batch endpoint ")
          .append(BenchStats.num(sv))
          .append(" rows/s = ")
          .append(BenchStats.ratio(sv / sa))
          .append(" (a) and ")
          .append(BenchStats.percent(sv / sb))
          .append(" of (b).**\n");
      report.row(
          "4",
          "audit-keeper batch endpoint vs (a) single autocommit INSERTs",
          BenchStats.num(sv) + " rows/s",
          BenchStats.num(sa) + " rows/s",
          BenchStats.ratio(sv / sa),
          "≥ 10×",
          BenchReport.atLeast(sv / sa, 10));
      report.row(
          "4",
          "audit-keeper batch endpoint vs (b) COPY of the same rows",
          BenchStats.num(sv) + " rows/s",
          BenchStats.num(sb) + " rows/s",
          BenchStats.percent(sv / sb),
          "≥ 50%",
          BenchReport.atLeast(sv / sb * 100, 50));
    }

    // Single-event accept latency at a steady moderate rate.
    Path script = repo.resolve("bench/wrk/audit-event.lua");
    String url = keeper.baseUrl() + "/api/v1/audit-events";
    List<Double> p50 = new ArrayList<>();
    List<Double> p99 = new ArrayList<>();
    List<Double> rps = new ArrayList<>();
    s.append("\nSingle-event accept latency: `wrk -t2 -c4 --latency`, each connection sending one")
        .append(
            " event (fresh id) then waiting 20 ms ([bench/wrk/audit-event.lua](bench/wrk/audit-event.lua)).\n\n")
        .append(
            "| run | load before | events/s | p50 ms | p99 ms | non-2xx |\n| --- | --- | --- | --- | --- | --- |\n");
    for (int i = 0; i < runs; i++) {
      progress.step("audit-keeper: single-event latency run " + (i + 1) + "/" + runs);
      String l = BenchMachine.loadAverage();
      BenchWrk.Run r =
          BenchWrk.run(script, url, 2, 4, seconds, List.of(LocalStack.SERVICE_TOKEN, "20"));
      p50.add(r.p50());
      p99.add(r.p99());
      rps.add(r.rps());
      s.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s | %s | %s | %d |%n",
              i + 1,
              l,
              BenchStats.num(r.rps()),
              BenchStats.num(r.p50()),
              BenchStats.num(r.p99()),
              r.non2xx()));
    }
    double p99m = BenchStats.median(p99);
    report.row(
        "4",
        "audit-keeper single-event accept p99 ("
            + BenchStats.num(BenchStats.median(rps))
            + " events/s)",
        BenchStats.num(p99m) + " ms (p50 " + BenchStats.num(BenchStats.median(p50)) + " ms)",
        "-",
        "-",
        "≤ 10 ms",
        BenchReport.atMost(p99m, 10));
  }

  // ---------------------------------------------------------------- 4b. archive

  private void archive(LocalStack stack) throws Exception {
    StringBuilder s =
        report.section(
            "4b. audit-keeper: archiving about "
                + String.format(Locale.ROOT, "%,d", archiveRows)
                + " rows");
    // Retention archives the rows older than max-age, as a prefix of the chain. The table already
    // holds this run's young rows, so audit-keeper is restarted with max-age 1s (and no schedule):
    // then every row written before the archive is old enough.
    progress.step("audit-keeper: restarting with retention.max-age=1s");
    Map<String, String> settings = new LinkedHashMap<>(stack.settings("audit-keeper"));
    settings.put("clinicalops.audit-keeper.retention.max-age", "1s");
    settings.put("clinicalops.audit-keeper.retention.every", "off");
    ServiceProcess keeper = restart(stack, "audit-keeper", settings);
    long existing;
    long lastSeq;
    try (Connection c = stack.postgres().connect(AppDatabase.APP)) {
      existing = count(c, "SELECT count(*) FROM \"AuditLog\"");
      long load = Math.max(0, archiveRows - existing);
      progress.step("audit-keeper: loading " + load + " rows (COPY)");
      BenchAudit.bulkLoad(c, run, load, Instant.now().minus(Duration.ofDays(100)));
      Thread.sleep(1500);
      lastSeq = count(c, "SELECT max(\"seq\") FROM \"AuditLog\"");
    }
    long rows;
    try (Connection c = stack.postgres().connect(AppDatabase.APP)) {
      rows = count(c, "SELECT count(*) FROM \"AuditLog\" WHERE \"seq\" <= " + lastSeq);
    }
    String select =
        "SELECT "
            + "\"id\", \"userId\", \"action\", \"details\", \"timestamp\", \"ipAddress\","
            + " \"seq\", \"prevHash\", \"hash\", \"recordedAt\" FROM \"AuditLog\" WHERE \"seq\" <= "
            + lastSeq
            + " ORDER BY \"seq\"";
    Path csv = out.resolve("psql-copy.csv");
    List<Double> plain = new ArrayList<>();
    List<Double> gzip = new ArrayList<>();
    String load = BenchMachine.loadAverage();
    for (int i = 0; i < runs; i++) {
      progress.step("psql \\copy run " + (i + 1) + "/" + runs);
      plain.add(psql(stack, "\\copy (" + select + ") TO '" + csv + "' WITH (FORMAT csv, HEADER)"));
      gzip.add(
          psql(
              stack,
              "\\copy ("
                  + select
                  + ") TO PROGRAM 'gzip > "
                  + csv
                  + ".gz' WITH (FORMAT csv, HEADER)"));
    }
    Files.deleteIfExists(csv);
    Files.deleteIfExists(Path.of(csv + ".gz"));
    progress.step("audit-keeper: POST /api/v1/archives (" + rows + " rows)");
    String loadArchive = BenchMachine.loadAverage();
    long t0 = System.nanoTime();
    HttpResponse<String> response = postArchive(keeper);
    double archiveSeconds = (System.nanoTime() - t0) / 1e9;
    if (response.statusCode() != 201) {
      throw new IllegalStateException(
          "POST /archives answered "
              + response.statusCode()
              + " after "
              + BenchStats.num(archiveSeconds)
              + " s: "
              + response.body());
    }
    JsonNode result = new ObjectMapper().readTree(response.body());
    long archived = result.path("manifest").path("rowCount").asLong(result.path("rows").asLong(-1));
    try (var files = Files.list(stack.workDir().resolve("audit-archive"))) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    }
    double copyMedian = BenchStats.median(plain);
    double ratio = archiveSeconds / copyMedian;
    s.append("Load average before the `\\copy` runs: ")
        .append(load)
        .append("; before the archive: ")
        .append(loadArchive)
        .append(".\n\nThe table held ")
        .append(String.format(Locale.ROOT, "%,d", existing))
        .append(" rows from the benchmarks above; `COPY` added the rest with a timestamp 100 days")
        .append(" old. audit-keeper was restarted with `retention.max-age=1s` (default 90 days) so")
        .append(
            " that every row is past retention, then `POST /api/v1/archives` (operator) ran the")
        .append(
            " whole retention: `COPY ... TO STDOUT` into a gzip CSV and a manifest, both fsync'd,")
        .append(
            " the file read back and checked (SHA-256, row count, sequence range, last hash), then")
        .append(
            " the tombstone and the `DELETE` of the rows as the retention role, in one transaction.")
        .append(" It archived **")
        .append(String.format(Locale.ROOT, "%,d", archived))
        .append(" rows in ")
        .append(BenchStats.num(archiveSeconds))
        .append(" s**. Baseline: `psql -c \"\\copy (SELECT <the same")
        .append(
            " ten columns> ... WHERE seq <= last ORDER BY seq) TO 'file' WITH (FORMAT csv, HEADER)\"`")
        .append(" of the same ")
        .append(String.format(Locale.ROOT, "%,d", rows))
        .append(" rows, which only exports (no compression, no check, no delete).\n\n")
        .append("| contender | runs (s) | median s |\n| --- | --- | --- |\n")
        .append("| `psql \\copy` to a CSV file | ")
        .append(BenchStats.list(plain))
        .append(" | ")
        .append(BenchStats.num(copyMedian))
        .append(" |\n")
        .append("| `psql \\copy` to `gzip` (TO PROGRAM) | ")
        .append(BenchStats.list(gzip))
        .append(" | ")
        .append(BenchStats.num(BenchStats.median(gzip)))
        .append(" |\n")
        .append("| audit-keeper archive (export, gzip, fsync, verify, tombstone, delete) | ")
        .append(BenchStats.num(archiveSeconds))
        .append(" (one run: it deletes what it archives) | ")
        .append(BenchStats.num(archiveSeconds))
        .append(" |\n\n")
        .append("The archive ran once, not ")
        .append(runs)
        .append(" times: each run consumes its rows, and loading another million through the")
        .append(" hash-chain trigger would cost minutes of the 20-minute budget; the baseline is")
        .append(" the median of ")
        .append(runs)
        .append(" runs.\n");
    report.row(
        "4",
        "archive "
            + String.format(Locale.ROOT, "%,d", archived)
            + " rows vs `psql \\copy` of the same rows",
        BenchStats.num(archiveSeconds) + " s (1 run)",
        BenchStats.num(copyMedian) + " s",
        BenchStats.ratio(ratio) + " the time",
        "within 1.5×",
        BenchReport.atMost(ratio, 1.5));
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

  private static HttpResponse<String> postArchive(ServiceProcess keeper) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(keeper.baseUrl() + "/api/v1/archives"))
            .timeout(Duration.ofMinutes(10))
            .header("Authorization", "Bearer " + LocalStack.OPERATOR_TOKEN)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private double psql(LocalStack stack, String command) {
    BenchCommand.Result r =
        BenchCommand.run(
                List.of(
                    psql(),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    Integer.toString(stack.postgres().port()),
                    "-U",
                    stack.postgres().username(),
                    "-d",
                    AppDatabase.APP,
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-q",
                    "-c",
                    command),
                Map.of("PGPASSWORD", stack.postgres().password()),
                null,
                Duration.ofMinutes(5))
            .orFail("psql");
    return r.seconds();
  }

  private static String psql() {
    Path debian = Path.of("/usr/lib/postgresql/15/bin/psql");
    return Files.isExecutable(debian) ? debian.toString() : "psql";
  }

  // ---------------------------------------------------------------- 5. start-up

  private void startUp(LocalStack stack) throws Exception {
    StringBuilder s = report.section("5. Start-up: time to ready and resident memory (JVM mode)");
    String load = BenchMachine.loadAverage();
    s.append("Load average at the start: ")
        .append(load)
        .append(". Each service is stopped and")
        .append(" started again ")
        .append(runs)
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
            "| service | time to ready s (runs) | median | Quarkus' own s (median) | RSS at ready MiB (median) | RSS after the benchmarks MiB |\n| --- | --- | --- | --- | --- | --- |\n");
    double worstReady = 0;
    double worstRss = 0;
    String worstReadyName = "";
    String worstRssName = "";
    List<String> failures = new ArrayList<>();
    for (String name : LocalStack.SERVICES.keySet()) {
      List<Double> ready = new ArrayList<>();
      List<Double> own = new ArrayList<>();
      List<Double> rss = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        progress.step("start-up: " + name + " run " + (i + 1) + "/" + runs);
        long t0 = System.nanoTime();
        try {
          ServiceProcess p = restart(stack, name, stack.settings(name));
          ready.add((System.nanoTime() - t0) / 1e9);
          rss.add(BenchMachine.rssMiB(p.pid()));
          own.add(quarkusStartedIn(p.logFile()));
        } catch (IllegalStateException e) {
          Path kept = out.resolve("start-up-failed-" + name + "-" + (i + 1) + ".log");
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
      s.append("| ")
          .append(name)
          .append(" | ")
          .append(BenchStats.list(ready))
          .append(" | ")
          .append(BenchStats.num(readyMedian))
          .append(" | ")
          .append(BenchStats.num(BenchStats.median(own)))
          .append(" | ")
          .append(BenchStats.num(rssMedian))
          .append(" | ")
          .append(BenchStats.num(rssAfterLoad.getOrDefault(name, Double.NaN)))
          .append(" |\n");
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
          failures.size() + " of " + runs * LocalStack.SERVICES.size(),
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

  /** Stops {@code name} and starts it again with {@code settings}; returns it once ready. */
  private ServiceProcess restart(LocalStack stack, String name, Map<String, String> settings)
      throws Exception {
    ServiceProcess old = stack.services().get(name);
    old.close();
    ServiceProcess fresh = new ServiceProcess(name, old.port(), old.logFile());
    fresh.start(
        repo.resolve(name).resolve("target/quarkus-app/quarkus-run.jar"),
        stack.secrets(),
        settings);
    stack.services().put(name, fresh);
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (fresh.get("/q/health/ready", null).status() != 200) {
      if (!fresh.isAlive()) {
        throw new IllegalStateException(name + " exited during start-up; see " + fresh.logFile());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " not ready within 120 s");
      }
      Thread.sleep(20);
    }
    return fresh;
  }

  // ---------------------------------------------------------------- 6. time to mitigate

  private void drill() throws Exception {
    StringBuilder s = report.section("6. Time to mitigate, from the drill");
    Path json = out.resolve("drill.json");
    Files.deleteIfExists(json);
    String load = BenchMachine.loadAverage();
    progress.step("running ./clinops drill --json (start-up and scenarios, about 3 minutes)");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dclinops.repo=" + repo,
                "-cp",
                System.getProperty("java.class.path"),
                "health.clinicalops.drill.Clinops",
                "drill",
                "--json",
                json.toString()));
    BenchCommand.Result r = BenchCommand.run(command, Duration.ofMinutes(8));
    Files.writeString(out.resolve("drill.log"), r.output());
    String retried = "";
    if (r.exitCode() != 0 && startUpFailed(json)) {
      // A service that did not come up on a busy machine is not a time to mitigate: once more.
      retried =
          " (the first attempt failed at start-up: "
              + firstLine(r.output())
              + "; this is the"
              + " second)";
      progress.step("the drill failed at start-up; once more");
      Files.deleteIfExists(json);
      r = BenchCommand.run(command, Duration.ofMinutes(8));
      Files.writeString(out.resolve("drill-second.log"), r.output());
    }
    if (!Files.exists(json)) {
      throw new IllegalStateException(
          "the drill wrote no timeline (exit "
              + r.exitCode()
              + "): "
              + BenchCommand.tail(r.output(), 1500));
    }
    JsonNode rows = new ObjectMapper().readTree(json.toFile());
    s.append("Load average at the start: ")
        .append(load)
        .append(". `./clinops drill --json` (exit ")
        .append(r.exitCode())
        .append(retried)
        .append(") on its own fresh stack after the benchmarks; seconds run")
        .append(" from the triggering event to the automated action. The runbooks' minute-long")
        .append(
            " detection windows are shortened to seconds by the drill's settings (the note says")
        .append(" which): in production the error-spike alert, for one, waits the runbook's 5")
        .append(" minutes by design. \"By hand\" is the runbook's own budget for the step a person")
        .append(
            " would do.\n\n| runbook | event | automated action | seconds | by hand (runbook) | faster | ok | note |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    Map<String, double[]> perRunbook = new LinkedHashMap<>();
    int failed = 0;
    for (JsonNode row : rows) {
      double secs = row.get("seconds").asDouble();
      String byHand = row.get("byHand").asText();
      double budget = minutes(byHand) * 60;
      boolean ok = row.get("ok").asBoolean();
      if (!ok) {
        failed++;
      }
      String runbook = row.get("runbook").asText();
      if (ok && !Double.isNaN(budget)) {
        double[] worst = perRunbook.computeIfAbsent(runbook, k -> new double[] {0, 0});
        if (secs > worst[0]) {
          worst[0] = secs;
          worst[1] = budget;
        }
      }
      s.append("| ")
          .append(cell(runbook))
          .append(" | ")
          .append(cell(row.get("event").asText()))
          .append(" | ")
          .append(cell(row.get("action").asText()))
          .append(" | ")
          .append(BenchStats.num(secs))
          .append(" | ")
          .append(cell(byHand))
          .append(" | ")
          .append(Double.isNaN(budget) || secs <= 0 ? "-" : BenchStats.ratio(budget / secs))
          .append(" | ")
          .append(ok ? "yes" : "**NO**")
          .append(" | ")
          .append(cell(row.get("note").asText()))
          .append(" |\n");
    }
    s.append("\n")
        .append(rows.size())
        .append(" responses expected, ")
        .append(failed)
        .append(" failed.\n");
    perRunbook.forEach(
        (runbook, w) ->
            report.row(
                "6",
                "time to mitigate: " + runbook + " (slowest timed step)",
                BenchStats.num(w[0]) + " s",
                BenchStats.num(w[1] / 60) + " min by hand (runbook)",
                BenchStats.ratio(w[1] / w[0]) + " faster",
                "- (reported)",
                "-"));
    if (failed > 0) {
      report.row(
          "6",
          "drill responses",
          failed + " of " + rows.size() + " failed",
          "-",
          "-",
          "all happen",
          "**missed**: see section 6");
    }
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

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }

  // ---------------------------------------------------------------- helpers

  private static String redis(int port, String... args) {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
    command.addAll(List.of(args));
    return BenchCommand.run(command, Duration.ofMinutes(2)).orFail("redis-cli").output();
  }

  private List<String> redisPipe(int port, List<String> commands) throws IOException {
    Path file = out.resolve("redis-commands.txt");
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

  private static String scriptSha(Path script) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(script));
    return HexFormat.of().formatHex(digest);
  }

  private static String show(Connection c, String setting) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long count(Connection c, String sql) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  private static int intSetting(String name, int fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : Integer.parseInt(value.strip());
  }
}
