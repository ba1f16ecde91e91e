package health.clinicalops.drill;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Item 2: auth-guard's ingest of auth events in NDJSON batches. */
final class BenchAuthEvents {

  private BenchAuthEvents() {}

  static void measure(BenchRun bench, LocalStack stack) throws Exception {
    BenchReport report = bench.report();
    ServiceProcess guard = stack.services().get("auth-guard");
    StringBuilder s = report.section("2. auth-guard: auth event ingest (NDJSON batches)");
    int batch = 1000;
    int senders = 4;
    AtomicLong ip = new AtomicLong(1);
    bench.progress().step("auth-guard events: warm-up");
    authEventRun(bench, guard, batch, senders, Math.max(3, bench.seconds() / 2), ip);
    List<Double> rates = new ArrayList<>();
    s.append("| run | load before | events/s |\n| --- | --- | --- |\n");
    for (int i = 0; i < bench.runs(); i++) {
      bench.progress().step("auth-guard events: run " + (i + 1) + "/" + bench.runs());
      String l = BenchMachine.loadAverage();
      double r = authEventRun(bench, guard, batch, senders, bench.seconds(), ip);
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
        .append(bench.seconds())
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

  private static double authEventRun(
      BenchRun bench, ServiceProcess guard, int batch, int senders, double secs, AtomicLong ip)
      throws Exception {
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
                            .append(bench.id())
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
                        BenchRun.HTTP.send(
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
}
