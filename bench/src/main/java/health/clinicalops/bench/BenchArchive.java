package health.clinicalops.bench;

import health.clinicalops.drill.AppDatabase;
import health.clinicalops.drill.LocalStack;
import health.clinicalops.testing.ServiceProcess;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Item 4b: audit-keeper's archive of the rows past retention against {@code psql \copy}. */
final class BenchArchive {

  private BenchArchive() {}

  /**
   * Item 4b's figures.
   *
   * @param targetRows the rows the table was filled up to
   * @param copiedRows the rows {@code psql \copy} exported (the archive's range)
   * @param archivedRows what audit-keeper's {@code last_archive_rows} gauge says it archived
   */
  record Result(
      long targetRows,
      String copyLoad,
      String archiveLoad,
      long existingRows,
      long copiedRows,
      long archivedRows,
      double archiveSeconds,
      List<Double> copyToFile,
      List<Double> copyToGzip,
      int runs)
      implements BenchReport.Section {

    double copyMedian() {
      return BenchStats.median(copyToFile);
    }

    double gzipMedian() {
      return BenchStats.median(copyToGzip);
    }

    @Override
    public String template() {
      return "archive";
    }

    @Override
    public List<BenchReport.SummaryRow> summary() {
      double ratio = archiveSeconds / copyMedian();
      return List.of(
          new BenchReport.SummaryRow(
              "4",
              "archive "
                  + String.format(Locale.ROOT, "%,d", archivedRows)
                  + " rows vs `psql \\copy` of the same rows",
              BenchStats.num(archiveSeconds) + " s (1 run)",
              BenchStats.num(copyMedian()) + " s",
              BenchStats.ratio(ratio) + " the time",
              "within 1.5×",
              BenchReport.atMost(ratio, 1.5)));
    }
  }

  static Result measure(BenchRun bench, LocalStack stack) throws Exception {
    // Retention archives the rows older than max-age, as a prefix of the chain. The table already
    // holds this run's young rows, so audit-keeper is restarted with max-age 1s (and no schedule):
    // then every row written before the archive is old enough.
    bench.progress().step("audit-keeper: restarting with retention.max-age=1s");
    Map<String, String> settings = new LinkedHashMap<>(stack.settings("audit-keeper"));
    settings.put("clinicalops.audit-keeper.retention.max-age", "1s");
    settings.put("clinicalops.audit-keeper.retention.every", "off");
    ServiceProcess keeper = stack.restart("audit-keeper", settings);
    long existing;
    long lastSeq;
    try (Connection c = stack.postgres().connect(AppDatabase.APP)) {
      existing = count(c, "SELECT count(*) FROM \"AuditLog\"");
      long load = Math.max(0, bench.archiveRows() - existing);
      bench.progress().step("audit-keeper: loading " + load + " rows (COPY)");
      BenchAudit.bulkLoad(c, bench.id(), load, Instant.now().minus(Duration.ofDays(100)));
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
    Path csv = bench.out().resolve("psql-copy.csv");
    List<Double> plain = new ArrayList<>();
    List<Double> gzip = new ArrayList<>();
    String load = BenchMachine.loadAverage();
    for (int i = 0; i < bench.runs(); i++) {
      bench.progress().step("psql \\copy run " + (i + 1) + "/" + bench.runs());
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
    bench.progress().step("audit-keeper: POST /api/v1/archives (" + rows + " rows)");
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
    long archived =
        (long) ServiceMetrics.scrape(keeper).require("clinicalops_audit_keeper_last_archive_rows");
    try (var files = Files.list(stack.workDir().resolve("audit-archive"))) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    }
    return new Result(
        bench.archiveRows(),
        load,
        loadArchive,
        existing,
        rows,
        archived,
        archiveSeconds,
        plain,
        gzip,
        bench.runs());
  }

  private static HttpResponse<String> postArchive(ServiceProcess keeper) throws Exception {
    return BenchRun.HTTP.send(
        HttpRequest.newBuilder(URI.create(keeper.baseUrl() + "/api/v1/archives"))
            .timeout(Duration.ofMinutes(10))
            .header("Authorization", "Bearer " + LocalStack.OPERATOR_TOKEN)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static double psql(LocalStack stack, String command) {
    BenchCommand.Result r =
        BenchCommand.run(
                List.of(
                    BenchCommand.psql(),
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

  private static long count(Connection c, String sql) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
