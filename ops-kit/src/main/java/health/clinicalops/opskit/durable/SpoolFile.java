package health.clinicalops.opskit.durable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.jboss.logging.Logger;

/**
 * An append-only file of records, each {@code [magic:int][length:int][crc32c:int][payload]}, the
 * CRC covering the length and the payload. {@link #append} returns only after {@link
 * FileChannel#force} (data and size on disk). Opening the file scans it and keeps every intact
 * record: bytes that are not a whole valid record are copied to a {@code .corrupt} file beside it
 * and then skipped (in the middle, where a damaged sector or a bad copy left them; the scan finds
 * the next valid record after them) or cut off (at the end, where a crash interrupted a write
 * before it was acknowledged).
 */
public final class SpoolFile implements AutoCloseable {

  static final int MAGIC = 0x41554431; // "AUD1"
  static final int HEADER = 12;
  static final int MAX_RECORD = 16 * 1024 * 1024;
  private static final int SCAN_WINDOW = 64 * 1024;
  private static final Logger LOG = Logger.getLogger(SpoolFile.class);

  /** One record and the offset just past it. */
  public record Entry(byte[] payload, long end) {}

  private final Path path;
  private final FileChannel channel;
  private long end;
  private final long droppedTailBytes;

  /** Damaged ranges found at open, start to end offset: reads step over them. */
  private final NavigableMap<Long, Long> skipped;

  private SpoolFile(
      Path path,
      FileChannel channel,
      long end,
      long droppedTailBytes,
      NavigableMap<Long, Long> skipped) {
    this.path = path;
    this.channel = channel;
    this.end = end;
    this.droppedTailBytes = droppedTailBytes;
    this.skipped = skipped;
  }

  /** Opens (creating it durably if needed) and recovers the spool file at {@code path}. */
  public static SpoolFile open(Path path) throws IOException {
    DurableFiles.createDurably(path);
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    long size = channel.size();
    NavigableMap<Long, Long> skipped = new TreeMap<>();
    long position = 0;
    long tail = size;
    while (position < size) {
      long next = validRecordEnd(channel, position, size);
      if (next >= 0) {
        position = next;
        continue;
      }
      long resume = nextValidRecord(channel, position + 1, size);
      if (resume < 0) {
        tail = position;
        break;
      }
      keepCorruptBytes(path, channel, position, resume - position);
      LOG.warnf(
          "spool %s: %d bytes at offset %d are not a valid record (damaged); skipped, the"
              + " records after them are kept",
          path, resume - position, position);
      skipped.put(position, resume);
      position = resume;
    }
    long dropped = size - tail;
    if (dropped > 0) {
      Path kept = keepCorruptBytes(path, channel, tail, dropped);
      LOG.warnf(
          "spool %s: %d bytes at offset %d are not a whole valid record (a write cut short by a"
              + " crash, never acknowledged); truncated, and the bytes kept in %s",
          path, dropped, tail, kept);
      channel.truncate(tail);
      channel.force(true);
    }
    return new SpoolFile(path, channel, tail, dropped, skipped);
  }

  /**
   * Copies {@code length} bytes from {@code offset} to a {@code .corrupt} file beside it, named by
   * the range so that opening the same damaged file again does not copy it again.
   */
  private static Path keepCorruptBytes(Path path, FileChannel channel, long offset, long length)
      throws IOException {
    Path corrupt =
        path.resolveSibling(path.getFileName() + "." + offset + "-" + length + ".corrupt");
    if (Files.exists(corrupt) && Files.size(corrupt) == length) {
      return corrupt;
    }
    try (FileChannel out =
        FileChannel.open(
            corrupt,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      long copied = 0;
      while (copied < length) {
        copied += channel.transferTo(offset + copied, length - copied, out);
      }
      out.force(true);
    }
    DurableFiles.fsyncDirectory(path.toAbsolutePath().getParent());
    return corrupt;
  }

  /** The first offset from {@code from} where a whole valid record starts, or -1. */
  private static long nextValidRecord(FileChannel channel, long from, long size)
      throws IOException {
    ByteBuffer window = ByteBuffer.allocate(SCAN_WINDOW);
    long base = from;
    while (size - base >= HEADER) {
      window.clear();
      int want = (int) Math.min(SCAN_WINDOW, size - base);
      window.limit(want);
      readFully(channel, window, base);
      for (int i = 0; i + 4 <= want; i++) {
        if (window.getInt(i) == MAGIC && validRecordEnd(channel, base + i, size) >= 0) {
          return base + i;
        }
      }
      // The last three bytes may start a magic number cut by the window's end.
      base += Math.max(1, want - 3);
    }
    return -1;
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
    while ((position = pastSkipped(position)) < end && entries.size() < max) {
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
    while ((position = pastSkipped(position)) < end) {
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
    skipped.clear();
  }

  /** {@code position}, or the end of the damaged range it falls in. */
  private long pastSkipped(long position) {
    Map.Entry<Long, Long> range = skipped.floorEntry(position);
    return range != null && position < range.getValue() ? range.getValue() : position;
  }

  /** The damaged ranges found at open (start offset to end offset), which reads step over. */
  public synchronized Map<Long, Long> skippedRanges() {
    return Map.copyOf(skipped);
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
