package health.clinicalops.errorwatch.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import health.clinicalops.errorwatch.domain.LogLine;
import health.clinicalops.opskit.ndjson.NdjsonReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a batch of app log lines, NDJSON (one object a line) or one JSON array, from a stream, and
 * hands each good line to a {@link Sink}. A line that does not parse is counted and skipped; the
 * rest are kept. In an array, an element that is not a valid log line is skipped the same way; a
 * syntax error ends the array there (what came before is kept, the rest counts as one rejected line
 * and the result says {@code truncated}). NDJSON is split into lines by ops-kit's {@link
 * NdjsonReader}; each line is parsed by {@link LogLineParser} on its bytes, without building a
 * tree. Plain Java, used by the HTTP ingest and the file mode.
 */
public final class LogBatchReader {

  /** Receives each good line and, on request, its raw text (for samples). */
  public interface Sink {
    void accept(LogLine line, RawLine raw);
  }

  /** The raw text of the line being handed over, materialized only when asked for. */
  public static final class RawLine {
    private byte[] buffer;
    private int offset;
    private int length;

    void set(byte[] buffer, int offset, int length) {
      this.buffer = buffer;
      this.offset = offset;
      this.length = length;
    }

    @Override
    public String toString() {
      return new String(buffer, offset, length, StandardCharsets.UTF_8);
    }
  }

  /** What a batch held. */
  public record Result(long accepted, long rejected, boolean truncated) {}

  private static final int CHUNK = 1 << 20;

  private final LogLineParser parser;

  public LogBatchReader(LogLineParser parser) {
    this.parser = parser;
  }

  public Result read(InputStream in, Sink sink) throws IOException {
    byte[] buffer = new byte[CHUNK];
    int filled = readSome(in, buffer, 0);
    int start = 0;
    while (start < filled && isSpace(buffer[start])) {
      start++;
      if (start == filled && filled == buffer.length) {
        filled = readSome(in, buffer, 0);
        start = 0;
      }
    }
    if (start < filled && buffer[start] == '[') {
      byte[] all = readRest(in, buffer, filled);
      return readArray(all, sink);
    }
    return readLines(in, buffer, filled, sink);
  }

  private Result readLines(InputStream in, byte[] buffer, int filled, Sink sink)
      throws IOException {
    if (filled < 0) {
      return new Result(0, 0, false);
    }
    long[] rejected = {0};
    RawLine raw = new RawLine();
    InputStream whole = new SequenceInputStream(new ByteArrayInputStream(buffer, 0, filled), in);
    int lines =
        NdjsonReader.read(
            whole,
            (bytes, offset, length, number) -> {
              LogLine line = parser.parseLine(bytes, offset, length);
              if (line == null) {
                rejected[0]++;
                return;
              }
              raw.set(bytes, offset, length);
              sink.accept(line, raw);
            });
    return new Result(lines - rejected[0], rejected[0], false);
  }

  private Result readArray(byte[] all, Sink sink) {
    long accepted = 0;
    long rejected = 0;
    RawLine raw = new RawLine();
    try (JsonParser json = parser.factory().createParser(all)) {
      if (json.nextToken() != JsonToken.START_ARRAY) {
        return new Result(0, 1, true);
      }
      JsonToken token;
      while ((token = json.nextToken()) != JsonToken.END_ARRAY) {
        if (token == null) {
          throw new IOException("unterminated array");
        }
        if (token != JsonToken.START_OBJECT) {
          json.skipChildren();
          rejected++;
          continue;
        }
        int from = (int) json.currentTokenLocation().getByteOffset();
        LogLine line = parser.readObject(json);
        if (line == null) {
          rejected++;
          continue;
        }
        int to = (int) json.currentLocation().getByteOffset();
        raw.set(all, from, Math.max(0, to - from));
        sink.accept(line, raw);
        accepted++;
      }
      return new Result(accepted, rejected, false);
    } catch (IOException e) {
      return new Result(accepted, rejected + 1, true);
    }
  }

  private static byte[] readRest(InputStream in, byte[] buffer, int filled) throws IOException {
    byte[] rest = in.readAllBytes();
    byte[] all = Arrays.copyOf(buffer, filled + rest.length);
    System.arraycopy(rest, 0, all, filled, rest.length);
    return all;
  }

  private static int readSome(InputStream in, byte[] buffer, int offset) throws IOException {
    int total = 0;
    while (offset + total < buffer.length) {
      int n = in.read(buffer, offset + total, buffer.length - offset - total);
      if (n < 0) {
        return total == 0 ? -1 : total;
      }
      total += n;
    }
    return total;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }
}
