package health.clinicalops.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Item 4b: audit-keeper's archive of the rows past retention against {@code psql \\copy}. */
final class BenchArchive {

  /** audit-keeper's log line at the end of each phase of an archive. */
  private static final Pattern PHASE =
      Pattern.compile(
          "(archived rows|checked archive|deleted [0-9]+ archived rows).*? in ([0-9]+) ms");

  private BenchArchive() {}

  static void measure(BenchRun bench, LocalStack stack) throws Exception {
    BenchReport report = bench.report();
    StringBuilder s =
        report.section(
            "4b. audit-keeper: archiving about "
                + String.format(Locale.ROOT, "%,d", bench.archiveRows())
                + " rows");
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
    String phases = phases(keeper.logFile());
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
            " the tombstone and the `DELETE` of the rows as the retention role, in one"
                + " transaction.")
        .append(" It archived **")
        .append(String.format(Locale.ROOT, "%,d", archived))
        .append(" rows in ")
        .append(BenchStats.num(archiveSeconds))
        .append(" s**. Baseline: `psql -c \"\\copy (SELECT <the same")
        .append(
            " ten columns> ... WHERE seq <= last ORDER BY seq) TO 'file' WITH (FORMAT csv,"
                + " HEADER)\"`")
        .append(" of the same ")
        .append(String.format(Locale.ROOT, "%,d", rows))
        .append(" rows, which only exports (no compression, no check, no delete). ")
        .append(phases)
        .append("\n\n")
        .append("| contender | runs (s) | median s |\n| --- | --- | --- |\n")
        .append(
            BenchReport.tableRow(
                "`psql \\copy` to a CSV file", BenchStats.list(plain), BenchStats.num(copyMedian)))
        .append(
            BenchReport.tableRow(
                "`psql \\copy` to `gzip` (TO PROGRAM)",
                BenchStats.list(gzip),
                BenchStats.num(BenchStats.median(gzip))))
        .append(
            BenchReport.tableRow(
                "audit-keeper archive (export, gzip, fsync, verify, tombstone, delete)",
                BenchStats.num(archiveSeconds) + " (one run: it deletes what it archives)",
                BenchStats.num(archiveSeconds)))
        .append("\n")
        .append("The archive ran once, not ")
        .append(bench.runs())
        .append(" times: each run consumes its rows, and loading another million through the")
        .append(" hash-chain trigger would cost minutes of the 20-minute budget; the baseline is")
        .append(" the median of ")
        .append(bench.runs())
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

  /** The archive's three phases as audit-keeper logged them ("... in 1234 ms"). */
  static String phases(Path log) throws IOException {
    Matcher export = null;
    Matcher check = null;
    Matcher delete = null;
    for (String line : Files.readAllLines(log)) {
      Matcher m = PHASE.matcher(line);
      if (m.find()) {
        switch (m.group(1).charAt(0)) {
          case 'a' -> export = m;
          case 'c' -> check = m;
          default -> delete = m;
        }
      }
    }
    if (export == null || check == null || delete == null) {
      return "(audit-keeper's log does not show the archive's phases.)";
    }
    return "Its phases, from audit-keeper's log: export (`COPY`, gzip, fsync) "
        + seconds(export)
        + " s, check of the file "
        + seconds(check)
        + " s, tombstone and `DELETE` "
        + seconds(delete)
        + " s.";
  }

  private static String seconds(Matcher phase) {
    return BenchStats.num(Long.parseLong(phase.group(2)) / 1000.0);
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
