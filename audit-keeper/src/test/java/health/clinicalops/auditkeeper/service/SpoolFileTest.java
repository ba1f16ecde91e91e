package health.clinicalops.auditkeeper.service;

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
      assertThat(files.filter(p -> p.toString().endsWith(".quarantine")).count()).isEqualTo(1);
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
}
