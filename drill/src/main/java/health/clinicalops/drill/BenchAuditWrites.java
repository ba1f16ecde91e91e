package health.clinicalops.drill;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Item 4: audit-keeper's durable writes against plain INSERTs and COPY, and its accept latency. */
final class BenchAuditWrites {

  private BenchAuditWrites() {}

  static void measure(BenchRun bench, LocalStack stack) throws Exception {
    BenchReport report = bench.report();
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
      bench.progress().step("audit-keeper: warm-up");
      BenchAudit.serviceBatches(
          keeper.baseUrl(),
          LocalStack.SERVICE_TOKEN,
          bench.id(),
          batch,
          senders,
          Math.max(3, bench.seconds() / 2));
      List<Double> service = new ArrayList<>();
      List<Double> single = new ArrayList<>();
      List<Double> copy = new ArrayList<>();
      s.append(
          "| run | load before | batch endpoint rows/s | (a) single autocommit INSERTs rows/s | (b)"
              + " COPY rows/s |\n"
              + "| --- | --- | --- | --- | --- |\n");
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
      bench.progress().step("audit-keeper: one large COPY");
      long t0 = System.nanoTime();
      BenchAudit.bulkLoad(c, bench.id(), 100_000, Instant.now());
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
    Path script = bench.repo().resolve("bench/wrk/audit-event.lua");
    String url = keeper.baseUrl() + "/api/v1/audit-events";
    List<Double> p50 = new ArrayList<>();
    List<Double> p99 = new ArrayList<>();
    List<Double> rps = new ArrayList<>();
    s.append("\nSingle-event accept latency: `wrk -t2 -c4 --latency`, each connection sending one")
        .append(
            " event (fresh id) then waiting 20 ms"
                + " ([bench/wrk/audit-event.lua](bench/wrk/audit-event.lua)).\n\n")
        .append(
            "| run | load before | events/s | p50 ms | p99 ms | non-2xx |\n"
                + "| --- | --- | --- | --- | --- | --- |\n");
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
      s.append(r.tableRow(i + 1, l)).append('\n');
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

  private static String show(Connection c, String setting) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
