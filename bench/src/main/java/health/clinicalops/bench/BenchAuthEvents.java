package health.clinicalops.bench;

import health.clinicalops.drill.LocalStack;
import health.clinicalops.testing.ServiceProcess;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Item 2: auth-guard's ingest of auth events in NDJSON batches. */
final class BenchAuthEvents {

  private BenchAuthEvents() {}

  /** One run: accepted events per second, with the load average before it. */
  record Run(String load, double eventsPerSecond) {}

  /** Item 2's figures. */
  record Result(int senders, int batch, int seconds, List<Run> runs, double median)
      implements BenchReport.Section {

    @Override
    public String template() {
      return "auth-events";
    }

    @Override
    public List<BenchReport.SummaryRow> summary() {
      return List.of(
          new BenchReport.SummaryRow(
              "2",
              "auth events/s via NDJSON batches (10% failures)",
              BenchStats.num(median) + "/s",
              "-",
              "-",
              "≥ 20,000/s",
              BenchReport.atLeast(median, 20_000)));
    }
  }

  static Result measure(BenchRun bench, LocalStack stack) throws Exception {
    ServiceProcess guard = stack.services().get("auth-guard");
    int batch = 1000;
    int senders = 4;
    AtomicLong ip = new AtomicLong(1);
    bench.progress().step("auth-guard events: warm-up");
    authEventRun(bench, guard, batch, senders, Math.max(3, bench.seconds() / 2), ip);
    List<Run> runs = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    for (int i = 0; i < bench.runs(); i++) {
      bench.progress().step("auth-guard events: run " + (i + 1) + "/" + bench.runs());
      String l = BenchMachine.loadAverage();
      double r = authEventRun(bench, guard, batch, senders, bench.seconds(), ip);
      rates.add(r);
      runs.add(new Run(l, r));
    }
    return new Result(senders, batch, bench.seconds(), runs, BenchStats.median(rates));
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
