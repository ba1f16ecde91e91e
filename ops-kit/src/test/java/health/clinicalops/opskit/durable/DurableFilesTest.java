package health.clinicalops.opskit.durable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {

  @TempDir Path dir;

  @Test
  void anAtomicWriteReplacesTheWholeFileAndLeavesNoTemporaryFileBehind() throws IOException {
    Path cursor = dir.resolve("cursor");
    DurableFiles.writeAtomically(cursor, "12345".getBytes(StandardCharsets.US_ASCII));
    DurableFiles.writeAtomically(cursor, "7".getBytes(StandardCharsets.US_ASCII));
    assertThat(Files.readString(cursor)).isEqualTo("7");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("cursor");
    }
  }

  @Test
  void createDurablyMakesTheDirectoriesAndKeepsAnExistingFile() throws IOException {
    Path file = dir.resolve("a/b/spool");
    DurableFiles.createDurably(file);
    Files.writeString(file, "kept");
    DurableFiles.createDurably(file);
    assertThat(Files.readString(file)).isEqualTo("kept");
  }
}
