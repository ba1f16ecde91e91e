package health.clinicalops.bench;

import health.clinicalops.drill.AppDatabase;
import health.clinicalops.drill.LocalStack;
import health.clinicalops.testing.ServiceProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Item 4: audit-keeper's durable writes against plain INSERTs and COPY, and its accept latency. */
final class BenchAuditWrites {

  private BenchAuditWrites() {}

  /** One interleaved run of the three writers, rows/s each, with the load average before. */
  record WriteRun(String load, double endpoint, double singleInserts, double copy) {}

  /**
   * Item 4's figures.
   *
   * @param endpoint the batch endpoint's median rows/s
   * @param singleInserts (a)'s median rows/s
   * @param copy (b)'s median rows/s
   * @param bigCopy rows/s of one COPY of 100,000 rows, for reference
   */
  record Result(
      String durability,
      int senders,
      int batch,
      List<WriteRun> writeRuns,
      double endpoint,
      double singleInserts,
      double copy,
      double bigCopy,
      List<BenchWrk.LoadedRun> latencyRuns,
      double latencyRps,
      double latencyP50,
      double latencyP99)
      implements BenchReport.Section {

    double overSingleInserts() {
      return endpoint / singleInserts;
    }

    double ofCopy() {
      return endpoint / copy;
    }

    @Override
    public String template() {
      return "audit-writes";
    }

    @Override
    public List<BenchReport.SummaryRow> summary() {
      return List.of(
          new BenchReport.SummaryRow(
              "4",
              "audit-keeper batch endpoint vs (a) single autocommit INSERTs",
              BenchStats.num(endpoint) + " rows/s",
              BenchStats.num(singleInserts) + " rows/s",
              BenchStats.ratio(overSingleInserts()),
              "≥ 10×",
              BenchReport.atLeast(overSingleInserts(), 10)),
          new BenchReport.SummaryRow(
              "4",
              "audit-keeper batch endpoint vs (b) COPY of the same rows",
              BenchStats.num(endpoint) + " rows/s",
              BenchStats.num(copy) + " rows/s",
              BenchStats.percent(ofCopy()),
              "≥ 50%",
              BenchReport.atLeast(ofCopy() * 100, 50)),
          new BenchReport.SummaryRow(
              "4",
              "audit-keeper single-event accept p99 (" + BenchStats.num(latencyRps) + " events/s)",
              BenchStats.num(latencyP99) + " ms (p50 " + BenchStats.num(latencyP50) + " ms)",
              "-",
              "-",
              "≤ 10 ms",
              BenchReport.atMost(latencyP99, 10)));
    }
  }

  static Result measure(BenchRun bench, LocalStack stack) throws Exception {
    ServiceProcess keeper = stack.services().get("audit-keeper");
    String durability;
    int batch = 1000;
    int senders = 2;
    List<Double> service = new ArrayList<>();
    List<Double> single = new ArrayList<>();
    List<Double> copy = new ArrayList<>();
    List<WriteRun> writeRuns = new ArrayList<>();
    double bigCopy;
    try (Connection c = stack.postgres().connect(AppDatabase.APP)) {
      durability =
          "synchronous_commit="
              + show(c, "synchronous_commit")
              + ", fsync="
              + show(c, "fsync")
              + ", wal_sync_method="
              + show(c, "wal_sync_method");
      bench.progress().step("audit-keeper: warm-up");
      BenchAudit.serviceBatches(
          keeper.baseUrl(),
          LocalStack.SERVICE_TOKEN,
          bench.id(),
          batch,
          senders,
          Math.max(3, bench.seconds() / 2));
      for (int i = 0; i < bench.runs(); i++) {
        bench.progress().step("audit-keeper: run " + (i + 1) + "/" + bench.runs());
        String l = BenchMachine.loadAverage();
        service.add(
            BenchAudit.serviceBatches(
                keeper.baseUrl(),
                LocalStack.SERVICE_TOKEN,
                bench.id(),
                batch,
                senders,
                bench.seconds()));
        single.add(BenchAudit.singleInserts(c, bench.id(), bench.seconds()));
        copy.add(BenchAudit.copyBatches(c, bench.id(), batch, bench.seconds()));
        writeRuns.add(new WriteRun(l, service.get(i), single.get(i), copy.get(i)));
      }
      bench.progress().step("audit-keeper: one large COPY");
      long t0 = System.nanoTime();
      BenchAudit.bulkLoad(c, bench.id(), 100_000, Instant.now());
      bigCopy = 100_000 / ((System.nanoTime() - t0) / 1e9);
    }

    // Single-event accept latency at a steady moderate rate.
    Path script = bench.repo().resolve("bench/wrk/audit-event.lua");
    String url = keeper.baseUrl() + "/api/v1/audit-events";
    List<Double> p50 = new ArrayList<>();
    List<Double> p99 = new ArrayList<>();
    List<Double> rps = new ArrayList<>();
    List<BenchWrk.LoadedRun> latencyRuns = new ArrayList<>();
    for (int i = 0; i < bench.runs(); i++) {
      bench
          .progress()
          .step("audit-keeper: single-event latency run " + (i + 1) + "/" + bench.runs());
      String l = BenchMachine.loadAverage();
      BenchWrk.Run r =
          BenchWrk.run(script, url, 2, 4, bench.seconds(), List.of(LocalStack.SERVICE_TOKEN, "20"));
      p50.add(r.p50());
      p99.add(r.p99());
      rps.add(r.rps());
      latencyRuns.add(new BenchWrk.LoadedRun(l, r));
    }
    return new Result(
        durability,
        senders,
        batch,
        writeRuns,
        BenchStats.median(service),
        BenchStats.median(single),
        BenchStats.median(copy),
        bigCopy,
        latencyRuns,
        BenchStats.median(rps),
        BenchStats.median(p50),
        BenchStats.median(p99));
  }

  private static String show(Connection c, String setting) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
