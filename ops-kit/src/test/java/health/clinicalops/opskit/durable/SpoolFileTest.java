package health.clinicalops.opskit.durable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool file format: what a crash mid-write leaves behind is detected and dropped. */
class SpoolFileTest {

  @TempDir Path dir;

  private static List<byte[]> payloads(String... texts) {
    return Stream.of(texts).map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
  }

  private static List<String> all(SpoolFile file) throws IOException {
    return file.read(0, Integer.MAX_VALUE).stream()
        .map(e -> new String(e.payload(), StandardCharsets.UTF_8))
        .toList();
  }

  private void appendRaw(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(bytes));
    }
  }

  @Test
  void recordsSurviveReopening() throws IOException {
    Path path = dir.resolve("s.spool");
    try (SpoolFile file = SpoolFile.open(path)) {
      file.append(payloads("one", "two"));
      file.append(payloads("three"));
    }
    try (SpoolFile file = SpoolFile.open(path)) {
      assertThat(all(file)).containsExactly("one", "two", "three");
      assertThat(file.count(0)).isEqualTo(3);
      assertThat(file.droppedTailBytes()).isZero();
    }
  }

  @Test
  void aTornLastRecordIsDroppedAndAppendingContinuesCleanly() throws IOException {
    Path path = dir.resolve("s.spool");
    try (SpoolFile file = SpoolFile.open(path)) {
      file.append(payloads("one", "two"));
    }
    // A crash mid-write: a header promising 100 bytes, then only 10 of them.
    ByteBuffer torn = ByteBuffer.allocate(SpoolFile.HEADER + 10);
    torn.putInt(SpoolFile.MAGIC).putInt(100).putInt(12345).put(new byte[10]);
    appendRaw(path, torn.array());
    try (SpoolFile file = SpoolFile.open(path)) {
      assertThat(file.droppedTailBytes()).isEqualTo(SpoolFile.HEADER + 10);
      assertThat(all(file)).containsExactly("one", "two");
      file.append(payloads("three"));
    }
    try (SpoolFile file = SpoolFile.open(path)) {
      assertThat(all(file)).containsExactly("one", "two", "three");
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.filter(p -> p.toString().endsWith(".corrupt")).count()).isEqualTo(1);
    }
  }

  @Test
  void aWholeLastRecordWithAWrongChecksumIsDropped() throws IOException {
    Path path = dir.resolve("s.spool");
    try (SpoolFile file = SpoolFile.open(path)) {
      file.append(payloads("one", "two"));
    }
    byte[] bytes = Files.readAllBytes(path);
    bytes[bytes.length - 1] ^= 0x5a;
    Files.write(path, bytes);
    try (SpoolFile file = SpoolFile.open(path)) {
      assertThat(all(file)).containsExactly("one");
    }
  }

  @Test
  void aHalfWrittenHeaderIsDropped() throws IOException {
    Path path = dir.resolve("s.spool");
    try (SpoolFile file = SpoolFile.open(path)) {
      file.append(payloads("one"));
    }
    appendRaw(path, new byte[] {0x41, 0x55, 0x44});
    try (SpoolFile file = SpoolFile.open(path)) {
      assertThat(all(file)).containsExactly("one");
      file.clear();
      assertThat(file.end()).isZero();
    }
  }

  @Test
  void aDamagedRecordInTheMiddleIsSkippedAndEveryIntactRecordAfterItIsKept() throws IOException {
    Path path = dir.resolve("s.spool");
    try (SpoolFile file = SpoolFile.open(path)) {
      file.append(payloads("one", "two", "three", "four"));
    }
    // Flip a byte inside the payload of "two": its checksum no longer matches.
    byte[] bytes = Files.readAllBytes(path);
    int two = SpoolFile.HEADER + 3 + SpoolFile.HEADER;
    bytes[two] ^= 0x01;
    Files.write(path, bytes);
    try (SpoolFile file = SpoolFile.open(path)) {
      assertThat(all(file)).containsExactly("one", "three", "four");
      assertThat(file.count(0)).isEqualTo(3);
      assertThat(file.droppedTailBytes()).isZero();
      assertThat(file.skippedRanges()).hasSize(1);
      // A reader positioned inside the damaged range goes on after it.
      assertThat(file.read(two, 10)).hasSize(2);
      file.append(payloads("five"));
      assertThat(all(file)).containsExactly("one", "three", "four", "five");
    }
    try (SpoolFile file = SpoolFile.open(path)) {
      assertThat(all(file)).containsExactly("one", "three", "four", "five");
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> corrupt = files.filter(p -> p.toString().endsWith(".corrupt")).toList();
      assertThat(corrupt).hasSize(1);
      assertThat(Files.size(corrupt.get(0))).isEqualTo(SpoolFile.HEADER + 3);
    }
  }

  @Test
  void garbageBetweenRecordsLongerThanTheScanWindowIsSkipped() throws IOException {
    Path path = dir.resolve("s.spool");
    try (SpoolFile file = SpoolFile.open(path)) {
      file.append(payloads("one", "two"));
    }
    byte[] valid = Files.readAllBytes(path);
    byte[] garbage = new byte[200_000];
    new java.util.Random(7).nextBytes(garbage);
    int firstEnd = SpoolFile.HEADER + 3;
    byte[] damaged = new byte[valid.length + garbage.length];
    System.arraycopy(valid, 0, damaged, 0, firstEnd);
    System.arraycopy(garbage, 0, damaged, firstEnd, garbage.length);
    System.arraycopy(valid, firstEnd, damaged, firstEnd + garbage.length, valid.length - firstEnd);
    Files.write(path, damaged);
    try (SpoolFile file = SpoolFile.open(path)) {
      assertThat(all(file)).containsExactly("one", "two");
      assertThat(file.skippedRanges())
          .containsExactly(java.util.Map.entry((long) firstEnd, (long) firstEnd + garbage.length));
    }
  }
}
