package health.clinicalops.opskit.ndjson;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one NDJSON reader of the services: it splits a body into lines as it streams in, skips blank
 * ones, trims the rest and hands each to the caller with its 1-based line number. It does not parse
 * JSON itself: {@link #parse} binds each line with the caller's parser and keeps the good lines
 * apart from the bad ones (each with its number and why), {@link #read} hands raw bytes to a
 * hand-written parser on a hot path. What a bad line means (skip it, or refuse the batch) is the
 * caller's decision.
 */
public final class NdjsonReader {

  private static final int CHUNK = 1 << 20;

  private NdjsonReader() {}

  /** Receives one non-blank line: {@code length} bytes of {@code buffer} from {@code offset}. */
  @FunctionalInterface
  public interface LineHandler {
    void line(byte[] buffer, int offset, int length, int number);
  }

  /**
   * Turns one line into a value; throws {@link InvalidLine} for a line that parses but is wrong.
   */
  @FunctionalInterface
  public interface LineParser<T> {
    T parse(byte[] buffer, int offset, int length) throws IOException, InvalidLine;
  }

  /** A line that is well-formed JSON but not a valid value; its message says why. */
  public static class InvalidLine extends Exception {
    public InvalidLine(String message) {
      super(message, null, false, false);
    }
  }

  /** A good line's value and its line number. */
  public record Line<T>(int number, T value) {}

  /**
   * A bad line: its number, why, and whether it was not JSON at all ({@code malformed}) rather than
   * JSON that is not a valid value.
   */
  public record LineError(int line, String detail, boolean malformed) {}

  /** The lines of a body: the good ones in order, the bad ones, and how many were not blank. */
  public record Lines<T>(List<Line<T>> good, List<LineError> bad, int nonBlank) {}

  /** Every non-blank line of {@code body} through {@code parser}. */
  public static <T> Lines<T> parse(String body, LineParser<T> parser) {
    return parse(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), parser);
  }

  /** Every non-blank line of {@code body} through {@code parser}. */
  public static <T> Lines<T> parse(byte[] body, LineParser<T> parser) {
    List<Line<T>> good = new ArrayList<>();
    List<LineError> bad = new ArrayList<>();
    int nonBlank =
        read(
            body,
            (buffer, offset, length, number) -> {
              try {
                good.add(new Line<>(number, parser.parse(buffer, offset, length)));
              } catch (JsonProcessingException e) {
                bad.add(new LineError(number, "malformed JSON: " + e.getOriginalMessage(), true));
              } catch (InvalidLine e) {
                bad.add(new LineError(number, e.getMessage(), false));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    return new Lines<>(List.copyOf(good), List.copyOf(bad), nonBlank);
  }

  /**
   * Hands every non-blank line of {@code body} to {@code handler}, in place (no copy); returns how
   * many there were.
   */
  public static int read(byte[] body, LineHandler handler) {
    int lineStart = 0;
    int number = 0;
    int nonBlank = 0;
    int newline;
    while ((newline = indexOf(body, (byte) '\n', lineStart, body.length)) >= 0) {
      number++;
      nonBlank += handle(body, lineStart, newline, number, handler);
      lineStart = newline + 1;
    }
    if (lineStart < body.length) {
      nonBlank += handle(body, lineStart, body.length, number + 1, handler);
    }
    return nonBlank;
  }

  /**
   * Hands every non-blank line of {@code in} to {@code handler} as it arrives; returns how many
   * there were. The buffer grows to the longest line (the HTTP body limit bounds it).
   */
  public static int read(InputStream in, LineHandler handler) throws IOException {
    byte[] buffer = new byte[CHUNK];
    int filled = 0;
    int lineStart = 0;
    int number = 0;
    int nonBlank = 0;
    boolean eof = false;
    while (true) {
      int newline = indexOf(buffer, (byte) '\n', lineStart, filled);
      if (newline >= 0) {
        number++;
        nonBlank += handle(buffer, lineStart, newline, number, handler);
        lineStart = newline + 1;
        continue;
      }
      if (eof) {
        if (lineStart < filled) {
          number++;
          nonBlank += handle(buffer, lineStart, filled, number, handler);
        }
        return nonBlank;
      }
      int remaining = filled - lineStart;
      if (lineStart == 0 && filled == buffer.length) {
        buffer = Arrays.copyOf(buffer, buffer.length * 2);
      } else if (lineStart > 0) {
        System.arraycopy(buffer, lineStart, buffer, 0, remaining);
      }
      lineStart = 0;
      int n = in.read(buffer, remaining, buffer.length - remaining);
      if (n < 0) {
        eof = true;
        filled = remaining;
      } else {
        filled = remaining + n;
      }
    }
  }

  /** 1 for a line handed over, 0 for a blank one. */
  private static int handle(byte[] buffer, int from, int to, int number, LineHandler handler) {
    while (to > from && isSpace(buffer[to - 1])) {
      to--;
    }
    while (from < to && isSpace(buffer[from])) {
      from++;
    }
    if (from == to) {
      return 0;
    }
    handler.line(buffer, from, to - from, number);
    return 1;
  }

  private static int indexOf(byte[] buffer, byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buffer[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }
}
