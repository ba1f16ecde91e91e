package health.clinicalops.auditkeeper.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.jboss.logging.Logger;

/**
 * An append-only file of records, each {@code [magic:int][length:int][crc32c:int][payload]}, the
 * CRC covering the length and the payload. {@link #append} returns only after {@link
 * FileChannel#force} (data and size on disk). Opening the file scans it: a record cut short or with
 * a wrong checksum at the end is a write that a crash interrupted before it was acknowledged, so it
 * is dropped (the file is truncated there). The dropped bytes are copied to a {@code .quarantine}
 * file beside it first, so even a corruption in the middle loses nothing silently.
 */
public final class SpoolFile implements AutoCloseable {

  static final int MAGIC = 0x41554431; // "AUD1"
  static final int HEADER = 12;
  static final int MAX_RECORD = 16 * 1024 * 1024;
  private static final Logger LOG = Logger.getLogger(SpoolFile.class);

  /** One record and the offset just past it. */
  public record Entry(byte[] payload, long end) {}

  private final Path path;
  private final FileChannel channel;
  private long end;
  private final long droppedTailBytes;

  private SpoolFile(Path path, FileChannel channel, long end, long droppedTailBytes) {
    this.path = path;
    this.channel = channel;
    this.end = end;
    this.droppedTailBytes = droppedTailBytes;
  }

  /** Opens (creating it if needed) and recovers the spool file at {@code path}. */
  public static SpoolFile open(Path path) throws IOException {
    Files.createDirectories(path.toAbsolutePath().getParent());
    FileChannel channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    long size = channel.size();
    long good = 0;
    while (good < size) {
      long next = validRecordEnd(channel, good, size);
      if (next < 0) {
        break;
      }
      good = next;
    }
    long dropped = size - good;
    if (dropped > 0) {
      Path quarantine =
          path.resolveSibling(
              path.getFileName() + "." + Instant.now().toEpochMilli() + ".quarantine");
      try (FileChannel out =
          FileChannel.open(quarantine, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        channel.transferTo(good, dropped, out);
        out.force(true);
      }
      LOG.warnf(
          "spool %s: %d bytes at offset %d are not a whole valid record (a write cut short by a"
              + " crash, never acknowledged); truncated, and the bytes kept in %s",
          path, dropped, good, quarantine);
      channel.truncate(good);
      channel.force(true);
    }
    return new SpoolFile(path, channel, good, dropped);
  }

  /** The offset just past the record at {@code offset}, or -1 when it is not a whole valid one. */
  private static long validRecordEnd(FileChannel channel, long offset, long size)
      throws IOException {
    if (size - offset < HEADER) {
      return -1;
    }
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    readFully(channel, header, offset);
    header.flip();
    int magic = header.getInt();
    int length = header.getInt();
    int crc = header.getInt();
    if (magic != MAGIC || length < 0 || length > MAX_RECORD || size - offset - HEADER < length) {
      return -1;
    }
    ByteBuffer payload = ByteBuffer.allocate(length);
    readFully(channel, payload, offset + HEADER);
    if (checksum(length, payload.array()) != crc) {
      return -1;
    }
    return offset + HEADER + length;
  }

  /** Appends the payloads as records and forces them to disk before returning. */
  public synchronized void append(List<byte[]> payloads) throws IOException {
    int total = 0;
    for (byte[] p : payloads) {
      total += HEADER + p.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(total);
    for (byte[] p : payloads) {
      buffer.putInt(MAGIC).putInt(p.length).putInt(checksum(p.length, p)).put(p);
    }
    buffer.flip();
    long position = end;
    try {
      while (buffer.hasRemaining()) {
        position += channel.write(buffer, position);
      }
      channel.force(true);
    } catch (IOException e) {
      // Nothing of this append counts: cut back so the next append starts at a record boundary.
      try {
        channel.truncate(end);
      } catch (IOException ignored) {
        // Recovery at the next start drops a partial record anyway.
      }
      throw e;
    }
    end = position;
  }

  /** Up to {@code max} records from {@code offset} (a record boundary). */
  public synchronized List<Entry> read(long offset, int max) throws IOException {
    List<Entry> entries = new ArrayList<>();
    long position = offset;
    while (position < end && entries.size() < max) {
      ByteBuffer header = ByteBuffer.allocate(HEADER);
      readFully(channel, header, position);
      header.flip();
      header.getInt();
      int length = header.getInt();
      header.getInt();
      ByteBuffer payload = ByteBuffer.allocate(length);
      readFully(channel, payload, position + HEADER);
      position += HEADER + length;
      entries.add(new Entry(payload.array(), position));
    }
    return entries;
  }

  /** Counts the records from {@code offset} to the end. */
  public synchronized long count(long offset) throws IOException {
    long n = 0;
    long position = offset;
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    while (position < end) {
      header.clear();
      readFully(channel, header, position);
      header.flip();
      header.getInt();
      position += HEADER + header.getInt();
      n++;
    }
    return n;
  }

  /** Empties the file (every record was replayed). */
  public synchronized void clear() throws IOException {
    channel.truncate(0);
    channel.force(true);
    end = 0;
  }

  public synchronized long end() {
    return end;
  }

  public long droppedTailBytes() {
    return droppedTailBytes;
  }

  public Path path() {
    return path;
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }

  private static int checksum(int length, byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(4).putInt(length).array());
    crc.update(payload);
    return (int) crc.getValue();
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new IOException("unexpected end of spool file at " + at);
      }
      at += n;
    }
  }
}
