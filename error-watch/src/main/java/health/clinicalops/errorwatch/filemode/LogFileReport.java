package health.clinicalops.errorwatch.filemode;

import health.clinicalops.errorwatch.domain.Counts;
import health.clinicalops.errorwatch.domain.ErrorTally;
import health.clinicalops.errorwatch.domain.FingerprintStats;
import health.clinicalops.errorwatch.domain.LogLine;
import health.clinicalops.errorwatch.service.ErrorFingerprint;
import health.clinicalops.errorwatch.service.LogBatchReader;
import health.clinicalops.errorwatch.service.LogLineParser;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * The file mode: reads a log dump ({@code logs.json}, NDJSON or a JSON array) and prints the
 * runbook's answers — the exact rows of its {@code grep | jq | sort | uniq -c} pipeline (step 1),
 * the same errors merged by fingerprint with a sample line (step 3), the endpoints, roles and
 * regions (step 4), and whether the trigger (> 10% for 5 minutes) was met. Plain Java: no database,
 * no cluster, no Quarkus.
 */
public final class LogFileReport {

  private static final long MINUTE = 60_000L;

  private final ErrorTally tally = new ErrorTally();
  private final Map<String, Long> pipelineRows = new HashMap<>();
  private final TreeMap<Long, Counts> perMinute = new TreeMap<>();
  private long accepted;
  private long rejected;

  /** Reads every line of {@code in}. */
  public LogFileReport read(InputStream in) throws IOException {
    LogBatchReader reader = new LogBatchReader(new LogLineParser());
    LogBatchReader.Result result =
        reader.read(
            in,
            (LogLine line, LogBatchReader.RawLine raw) -> {
              perMinute
                  .computeIfAbsent(Math.floorDiv(line.epochMillis(), MINUTE), m -> new Counts())
                  .add(line);
              if (line.isErrorLevel()) {
                String message = line.pipelineMessage();
                pipelineRows.merge(message, 1L, Long::sum);
                String fingerprint = ErrorFingerprint.of(message);
                tally.add(
                    line, fingerprint, tally.wantsSample(fingerprint) ? raw.toString() : null);
              } else {
                tally.add(line, null, null);
              }
            });
    accepted += result.accepted();
    rejected += result.rejected();
    return this;
  }

  /**
   * Reads a file: an NDJSON file is split at line boundaries into one part per processor, read in
   * parallel and merged (same answers as one sequential read); a JSON array is read sequentially.
   */
  public static LogFileReport readFile(Path file) throws IOException {
    long size = Files.size(file);
    int parts = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 8));
    if (parts == 1 || size < PARALLEL_MIN_BYTES || startsWithArray(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        return new LogFileReport().read(in);
      }
    }
    List<Long> cuts = new ArrayList<>();
    cuts.add(0L);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int i = 1; i < parts; i++) {
        long cut = nextLineStart(channel, Math.max(size * i / parts, cuts.get(cuts.size() - 1)));
        cuts.add(cut);
      }
    }
    cuts.add(size);
    ExecutorService pool = Executors.newFixedThreadPool(parts);
    try {
      List<Future<LogFileReport>> futures = new ArrayList<>();
      for (int i = 0; i < parts; i++) {
        long from = cuts.get(i);
        long to = cuts.get(i + 1);
        futures.add(pool.submit(() -> readRange(file, from, to)));
      }
      LogFileReport merged = new LogFileReport();
      for (Future<LogFileReport> f : futures) {
        merged.add(f.get());
      }
      return merged;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static final long PARALLEL_MIN_BYTES = 4L << 20;

  private static LogFileReport readRange(Path file, long from, long to) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      channel.position(from);
      InputStream in =
          new FilterInputStream(Channels.newInputStream(channel)) {
            private long left = to - from;

            @Override
            public int read() throws IOException {
              if (left <= 0) {
                return -1;
              }
              int b = super.read();
              left -= b < 0 ? 0 : 1;
              return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              if (left <= 0) {
                return -1;
              }
              int n = super.read(b, off, (int) Math.min(len, left));
              left -= Math.max(n, 0);
              return n;
            }
          };
      return new LogFileReport().read(in);
    }
  }

  private static boolean startsWithArray(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      int b;
      while ((b = in.read()) == ' ' || b == '\n' || b == '\r' || b == '\t') {
        // leading whitespace
      }
      return b == '[';
    }
  }

  /** The offset just after the first newline at or after {@code from} (or the file's size). */
  private static long nextLineStart(FileChannel channel, long from) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    long position = from;
    while (true) {
      buffer.clear();
      int n = channel.read(buffer, position);
      if (n <= 0) {
        return channel.size();
      }
      for (int i = 0; i < n; i++) {
        if (buffer.get(i) == '\n') {
          return position + i + 1;
        }
      }
      position += n;
    }
  }

  /** Adds another part's counts to this one. */
  void add(LogFileReport other) {
    tally.add(other.tally);
    other.pipelineRows.forEach((k, v) -> pipelineRows.merge(k, v, Long::sum));
    other.perMinute.forEach((k, v) -> perMinute.computeIfAbsent(k, m -> new Counts()).add(v));
    accepted += other.accepted;
    rejected += other.rejected;
  }

  /** The runbook's step-1 rows: exact {@code error.message} → count, as {@code uniq -c} gives. */
  public Map<String, Long> pipelineRows() {
    return pipelineRows;
  }

  /** Fingerprint → count. */
  public Map<String, Long> fingerprintCounts() {
    return tally.fingerprints().values().stream()
        .collect(Collectors.toMap(FingerprintStats::fingerprint, FingerprintStats::count));
  }

  public long accepted() {
    return accepted;
  }

  public long rejected() {
    return rejected;
  }

  /** The highest error ratio of any 5-minute window (whole minutes), with at least one request. */
  double peakFiveMinuteRatio() {
    double peak = 0;
    for (Long minute : perMinute.keySet()) {
      Counts window = new Counts();
      perMinute.subMap(minute, true, minute + 5, false).values().forEach(window::add);
      peak = Math.max(peak, window.errorRatio());
    }
    return peak;
  }

  /** The first minute from which five whole minutes each had more than 10% errors, or null. */
  Long triggerMinute() {
    for (Long minute : perMinute.keySet()) {
      boolean all = true;
      for (long m = minute; m < minute + 5 && all; m++) {
        Counts c = perMinute.get(m);
        all = c != null && c.errorRatio() > 0.10;
      }
      if (all) {
        return minute;
      }
    }
    return null;
  }

  /** Prints the report, {@code limit} rows per section. */
  public void print(PrintStream out, int limit) {
    Counts all = tally.overall();
    out.printf("lines: %d read, %d skipped (did not parse)%n", accepted, rejected);
    out.printf(
        "requests: %d  errors: %d (%.1f%%)  4xx: %d (%.1f%%)%n",
        all.requests(),
        all.errors(),
        100 * all.errorRatio(),
        all.clientErrors(),
        100 * all.clientErrorRatio());
    if (!perMinute.isEmpty()) {
      out.printf(
          "time: %s .. %s%n",
          Instant.ofEpochMilli(perMinute.firstKey() * MINUTE),
          Instant.ofEpochMilli((perMinute.lastKey() + 1) * MINUTE));
    }
    Long trigger = triggerMinute();
    out.printf(
        "peak 5-minute error ratio: %.1f%%  trigger (>10%% for 5 minutes): %s%n",
        100 * peakFiveMinuteRatio(),
        trigger == null ? "not met" : "met from " + Instant.ofEpochMilli(trigger * MINUTE));
    out.println();
    out.println(
        "== step 1: grep '\"level\":\"error\"' logs.json | jq -r '.error.message' | sort | uniq -c"
            + " | sort -rn | head");
    pipelineRows.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(limit)
        .forEach(e -> out.printf("%7d %s%n", e.getValue(), e.getKey()));
    out.println();
    out.println("== top errors by fingerprint (ids, numbers, IPs, emails, UUIDs stripped)");
    List<FingerprintStats> top = new ArrayList<>(tally.fingerprints().values());
    top.sort(
        Comparator.comparingLong(FingerprintStats::count)
            .reversed()
            .thenComparing(FingerprintStats::fingerprint));
    for (FingerprintStats stats : top.subList(0, Math.min(limit, top.size()))) {
      out.printf(
          "%7d %s%n        first %s  last %s  (%d distinct messages)%n",
          stats.count(),
          stats.fingerprint(),
          Instant.ofEpochMilli(stats.firstSeen()),
          Instant.ofEpochMilli(stats.lastSeen()),
          stats.messages().size() + (stats.otherMessages() > 0 ? 1 : 0));
      out.printf(
          "        endpoints %s%n        roles %s%n        regions %s%n        releases %s%n",
          ranked(stats.endpoints(), 5),
          ranked(stats.roles(), 5),
          ranked(stats.regions(), 5),
          ranked(stats.releases(), 5));
      out.printf("        sample %s%n", stats.sample());
    }
    out.println();
    out.println("== step 4: error ratio by endpoint, role, region");
    printDimension(out, "endpoint", tally.byEndpoint(), limit);
    printDimension(out, "role", tally.byRole(), limit);
    printDimension(out, "region", tally.byRegion(), limit);
  }

  private static void printDimension(
      PrintStream out, String name, Map<String, Counts> counts, int limit) {
    counts.entrySet().stream()
        .filter(e -> e.getValue().errors() > 0)
        .sorted(
            Comparator.comparingLong((Map.Entry<String, Counts> e) -> e.getValue().errors())
                .reversed()
                .thenComparing(Map.Entry::getKey))
        .limit(limit)
        .forEach(
            e ->
                out.printf(
                    "  %-8s %-40s errors %7d / %7d requests (%.1f%%)  4xx %d%n",
                    name,
                    e.getKey(),
                    e.getValue().errors(),
                    e.getValue().requests(),
                    100 * e.getValue().errorRatio(),
                    e.getValue().clientErrors()));
  }

  private static String ranked(Map<String, Long> counts, int limit) {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(limit)
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }
}
