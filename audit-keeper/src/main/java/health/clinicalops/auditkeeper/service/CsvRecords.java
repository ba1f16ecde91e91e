package health.clinicalops.auditkeeper.service;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RFC 4180 CSV as PostgreSQL's {@code COPY ... CSV} writes it: fields in double quotes may
 * hold commas, doubled quotes and line breaks. Reads blocks into its own buffer: a million-row
 * archive is some 280 million characters, too many for one {@code Reader.read()} call each.
 */
final class CsvRecords {

  private final Reader in;
  private final char[] buffer;
  private int position;
  private int limit;
  private int pending = -2;

  CsvRecords(Reader in) {
    this(in, 64 * 1024);
  }

  CsvRecords(Reader in, int bufferSize) {
    this.in = in;
    this.buffer = new char[bufferSize];
  }

  /** The next record's fields, or null at the end. */
  List<String> next() throws IOException {
    int ch = read();
    if (ch < 0) {
      return null;
    }
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    while (true) {
      if (quoted) {
        if (ch < 0) {
          throw new IOException("CSV ends inside a quoted field");
        }
        if (ch == '"') {
          int after = read();
          if (after == '"') {
            field.append('"');
          } else {
            quoted = false;
            ch = after;
            continue;
          }
        } else {
          field.append((char) ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else if (ch == '\n' || ch < 0) {
        fields.add(field.toString());
        return fields;
      } else if (ch == '\r') {
        int after = read();
        if (after != '\n') {
          pending = after;
        }
        fields.add(field.toString());
        return fields;
      } else {
        field.append((char) ch);
      }
      ch = read();
    }
  }

  private int read() throws IOException {
    if (pending != -2) {
      int ch = pending;
      pending = -2;
      return ch;
    }
    if (position == limit) {
      int read = in.read(buffer, 0, buffer.length);
      if (read <= 0) {
        return -1;
      }
      position = 0;
      limit = read;
    }
    return buffer[position++];
  }
}
