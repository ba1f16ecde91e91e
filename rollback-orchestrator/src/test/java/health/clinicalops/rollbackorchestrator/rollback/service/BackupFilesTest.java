package health.clinicalops.rollbackorchestrator.rollback.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup directory's retention and room check, on real files. */
class BackupFilesTest {

  static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir Path directory;

  static OrchestratorConfig.Backups settings(int keep, Duration maxAge, long margin) {
    return new OrchestratorConfig.Backups() {
      @Override
      public int maxPerHourForServices() {
        return 6;
      }

      @Override
      public int keep() {
        return keep;
      }

      @Override
      public Duration maxAge() {
        return maxAge;
      }

      @Override
      public long minFreeSpaceBytes() {
        return margin;
      }
    };
  }

  BackupFiles files(int keep, Duration maxAge, long margin) {
    return new BackupFiles(
        directory, settings(keep, maxAge, margin), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  Path dump(String name, Duration age) throws IOException {
    Path file = Files.writeString(directory.resolve(name), "dump of " + name);
    Files.writeString(directory.resolve(name + ".counts.properties"), "User=10");
    Files.setLastModifiedTime(file, FileTime.from(NOW.minus(age)));
    return file;
  }

  @Test
  void retentionKeepsTheNewestAndThoseInUseAndRemovesSidecarsToo() throws IOException {
    dump("predeploy-5", Duration.ofHours(1));
    dump("predeploy-4", Duration.ofHours(2));
    dump("predeploy-3", Duration.ofHours(3));
    dump("predeploy-2", Duration.ofHours(4));
    dump("predeploy-1", Duration.ofHours(5));

    assertThat(files(2, Duration.ofDays(30), 0).prune(Set.of("predeploy-2")))
        .containsExactly("predeploy-3", "predeploy-1");

    assertThat(files(2, Duration.ofDays(30), 0).dumps())
        .extracting(BackupFiles.Dump::name)
        .containsExactly("predeploy-5", "predeploy-4", "predeploy-2");
    assertThat(directory.resolve("predeploy-3.counts.properties")).doesNotExist();
    assertThat(directory.resolve("predeploy-2.counts.properties")).exists();
  }

  @Test
  void retentionRemovesDumpsOlderThanTheMaximumAge() throws IOException {
    dump("recent", Duration.ofDays(1));
    dump("old", Duration.ofDays(31));

    assertThat(files(20, Duration.ofDays(30), 0).prune(Set.of())).containsExactly("old");
    assertThat(files(20, Duration.ofDays(30), 0).takenSince(NOW.minus(Duration.ofDays(2))))
        .isEqualTo(1);
  }

  @Test
  void noRoomForTheDatabaseIsRefusedBeforeAnythingIsWritten() throws Exception {
    long free = Files.getFileStore(directory).getUsableSpace();
    files(20, Duration.ofDays(30), 0).requireRoomFor(1024);
    assertThatThrownBy(() -> files(20, Duration.ofDays(30), free).requireRoomFor(free))
        .isInstanceOf(DatabaseStepFailed.class)
        .hasMessageContaining("not enough disk space for a backup");
  }
}
