package health.clinicalops.bench;

import health.clinicalops.drill.Progress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What every benchmark of one {@code ./clinops bench} shares: where it writes, its progress line,
 * the sizes and run counts, and the run's id (which keeps its rows and accounts apart from an
 * earlier run's).
 *
 * @param out working files and kept logs (.clinops/bench)
 * @param rssAfterLoad each service's RSS in MiB after the load benchmarks, for the start-up table
 */
record BenchRun(
    Path repo,
    Path out,
    Progress progress,
    int runs,
    int seconds,
    int logLines,
    int archiveRows,
    String id,
    Map<String, Double> rssAfterLoad) {

  /** For the benchmarks' own calls to a service (the load itself comes from wrk). */
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
}
