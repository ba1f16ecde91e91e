package health.clinicalops.opskit.durable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes that survive a power loss: a file's data is forced before it counts, and a new or renamed
 * directory entry is forced through its directory (a file fsync'd in a directory that was not can
 * vanish after a crash on ext4 and XFS).
 */
public final class DurableFiles {

  private DurableFiles() {}

  /** Forces the directory's entries (new, renamed and removed files in it) to disk. */
  public static void fsyncDirectory(Path directory) throws IOException {
    try (FileChannel dir = FileChannel.open(directory.toAbsolutePath(), StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  /**
   * Replaces {@code target} with {@code content} atomically: a reader (or a restart after a crash)
   * sees either the old content or the new one, never a mix or an empty file.
   */
  public static void writeAtomically(Path target, byte[] content) throws IOException {
    Path directory = target.toAbsolutePath().getParent();
    Path temporary = directory.resolve(target.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    Files.move(
        temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDirectory(directory);
  }

  /** Creates {@code file} if it does not exist yet, and makes its directory entry durable. */
  public static void createDurably(Path file) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    if (!Files.exists(file)) {
      try (FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      fsyncDirectory(directory);
    }
  }

  /**
   * The offset written by {@link #writeOffset}; 0 when the file is absent or unreadable (a reader
   * that starts again from 0 repeats work that idempotent ids make harmless).
   */
  public static long readOffset(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try {
      return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Replaces {@code file} atomically with {@code offset} as text. */
  public static void writeOffset(Path file, long offset) throws IOException {
    writeAtomically(file, Long.toString(offset).getBytes(StandardCharsets.US_ASCII));
  }
}
