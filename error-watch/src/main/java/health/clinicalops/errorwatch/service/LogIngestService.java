package health.clinicalops.errorwatch.service;

import health.clinicalops.errorwatch.config.ErrorWatchConfig;
import health.clinicalops.errorwatch.domain.ErrorTally;
import health.clinicalops.errorwatch.domain.IngestResult;
import health.clinicalops.errorwatch.domain.LogLine;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Ingests a batch of log lines: parses them (streaming, outside any lock), tallies them per time
 * bucket locally, then merges the batch into the {@link ErrorWindows} at once.
 */
@ApplicationScoped
public class LogIngestService {

  private final LogBatchReader reader = new LogBatchReader(new LogLineParser());
  private final ErrorWindows windows;
  private final ErrorWatchConfig.Limits limits;
  private final ErrorWatchMetrics metrics;

  LogIngestService(ErrorWindows windows, ErrorWatchConfig config, ErrorWatchMetrics metrics) {
    this.windows = windows;
    this.limits = config.limits();
    this.metrics = metrics;
  }

  public IngestResult ingest(InputStream body) {
    Map<Long, ErrorTally> batch = new HashMap<>();
    LogBatchReader.Result result;
    try {
      result =
          reader.read(
              body,
              (LogLine parsed, LogBatchReader.RawLine raw) -> {
                LogLine line = parsed.cut(limits.messageLength(), limits.fieldLength());
                ErrorTally tally =
                    batch.computeIfAbsent(
                        windows.bucketStart(line.epochMillis()), s -> windows.newBatchTally());
                if (line.isErrorLevel()) {
                  String fingerprint = ErrorFingerprint.of(line.pipelineMessage());
                  tally.add(
                      line,
                      fingerprint,
                      tally.wantsSample(fingerprint) ? sample(raw.toString()) : null);
                } else {
                  tally.add(line, null, null);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    windows.add(batch);
    metrics.ingested(result.accepted(), result.rejected());
    return new IngestResult(result.accepted(), result.rejected(), result.truncated());
  }

  private String sample(String rawLine) {
    return rawLine.length() <= limits.sampleLength()
        ? rawLine
        : rawLine.substring(0, limits.sampleLength()) + "…";
  }
}
