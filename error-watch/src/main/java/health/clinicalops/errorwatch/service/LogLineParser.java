package health.clinicalops.errorwatch.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import health.clinicalops.errorwatch.domain.LogLine;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Reads app log lines with Jackson's streaming parser: no tree per line, only the fields
 * error-watch uses are turned into strings, everything else is skipped. Plain Java (no CDI), so the
 * file mode uses it before Quarkus starts. Thread-safe.
 */
public final class LogLineParser {

  private final JsonFactory factory;

  public LogLineParser() {
    this(new JsonFactory());
  }

  public LogLineParser(JsonFactory factory) {
    this.factory = factory;
  }

  public JsonFactory factory() {
    return factory;
  }

  /**
   * Parses one NDJSON line ({@code len} bytes at {@code off}).
   *
   * @return the line, or null when it is not a JSON object with a valid {@code timestamp} and
   *     {@code level}, or has anything after the object
   */
  public LogLine parseLine(byte[] buffer, int off, int len) {
    try (JsonParser parser = factory.createParser(buffer, off, len)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      LogLine line = readObject(parser);
      if (line == null || parser.nextToken() != null) {
        return null;
      }
      return line;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Reads the object whose START_OBJECT the parser is on, up to and including its END_OBJECT.
   *
   * @return the line, or null when a required field is missing or malformed (the object is still
   *     consumed completely)
   * @throws IOException when the JSON itself is broken
   */
  public LogLine readObject(JsonParser parser) throws IOException {
    long epochMillis = Long.MIN_VALUE;
    String level = null;
    String message = null;
    int status = LogLine.NO_STATUS;
    String errorMessage = null;
    String endpoint = null;
    String role = null;
    String region = null;
    String release = null;
    boolean valid = true;
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "timestamp" -> {
          if (value == JsonToken.VALUE_STRING) {
            epochMillis = parseTimestamp(parser.getText());
          } else {
            parser.skipChildren();
          }
        }
        case "level" -> level = textOrSkip(parser, value);
        case "message" -> message = textOrSkip(parser, value);
        case "status" -> {
          if (value == JsonToken.VALUE_NUMBER_INT) {
            status = parser.getIntValue();
          } else if (value == JsonToken.VALUE_STRING) {
            status = parseStatus(parser.getText());
          } else if (value != JsonToken.VALUE_NULL) {
            parser.skipChildren();
            valid = false;
          }
        }
        case "error" -> {
          if (value == JsonToken.START_OBJECT) {
            errorMessage = readErrorMessage(parser);
          } else if (value == JsonToken.VALUE_STRING) {
            errorMessage = parser.getText();
          } else {
            parser.skipChildren();
          }
        }
        case "context" -> {
          if (value == JsonToken.START_OBJECT) {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
              String name = parser.currentName();
              JsonToken v = parser.nextToken();
              switch (name) {
                case "endpoint" -> endpoint = textOrSkip(parser, v);
                case "userRole" -> role = textOrSkip(parser, v);
                case "region" -> region = textOrSkip(parser, v);
                case "release" -> release = textOrSkip(parser, v);
                default -> parser.skipChildren();
              }
            }
          } else {
            parser.skipChildren();
          }
        }
        default -> parser.skipChildren();
      }
    }
    if (token != JsonToken.END_OBJECT) {
      throw new IOException("unterminated object");
    }
    if (!valid || epochMillis == Long.MIN_VALUE || level == null) {
      return null;
    }
    return new LogLine(
        epochMillis, level, message, status, errorMessage, endpoint, role, region, release);
  }

  private static String readErrorMessage(JsonParser parser) throws IOException {
    String message = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken v = parser.nextToken();
      if ("message".equals(name)) {
        message = textOrSkip(parser, v);
      } else {
        parser.skipChildren();
      }
    }
    return message;
  }

  private static String textOrSkip(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return parser.getText();
    }
    if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
      return parser.getText();
    }
    parser.skipChildren();
    return null;
  }

  private static int parseStatus(String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      return LogLine.NO_STATUS;
    }
  }

  /**
   * RFC 3339 to epoch millis. A fast path for the usual {@code 2026-01-16T10:00:00.123Z}; anything
   * else (offsets, other fraction lengths) through {@link OffsetDateTime}.
   *
   * @return the instant, or {@link Long#MIN_VALUE} when the text is not RFC 3339
   */
  static long parseTimestamp(String s) {
    int n = s.length();
    if (n >= 20
        && s.charAt(n - 1) == 'Z'
        && s.charAt(4) == '-'
        && s.charAt(7) == '-'
        && (s.charAt(10) == 'T' || s.charAt(10) == 't')
        && s.charAt(13) == ':'
        && s.charAt(16) == ':') {
      int year = digits(s, 0, 4);
      int month = digits(s, 5, 2);
      int day = digits(s, 8, 2);
      int hour = digits(s, 11, 2);
      int minute = digits(s, 14, 2);
      int second = digits(s, 17, 2);
      int millis = 0;
      boolean ok = year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
      ok &= hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 61;
      if (ok && n > 20) {
        if (s.charAt(19) != '.' || n < 22) {
          ok = false;
        } else {
          int scale = 100;
          for (int i = 20; i < n - 1; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
              ok = false;
              break;
            }
            millis += d * scale;
            scale /= 10;
          }
        }
      }
      if (ok && day <= java.time.YearMonth.of(year, month).lengthOfMonth()) {
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return ((days * 24 + hour) * 60 + minute) * 60_000L + Math.min(second, 59) * 1000L + millis;
      }
    }
    try {
      return OffsetDateTime.parse(s).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      return Long.MIN_VALUE;
    }
  }

  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }
}
