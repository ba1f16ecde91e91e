package health.clinicalops.rollbackorchestrator.rollback.service;

import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The backup directory: the dumps in it, how many were taken lately, whether there is room for one
 * more, and which ones retention removes.
 */
@ApplicationScoped
public class BackupFiles {

  private static final Logger LOG = Logger.getLogger(BackupFiles.class);

  /** Files written next to a dump, named after it. */
  static final List<String> SIDECAR_SUFFIXES = List.of(".counts.properties", ".restore-list");

  private final Path directory;
  private final OrchestratorConfig.Backups settings;
  private final Clock clock;

  @Inject
  BackupFiles(OrchestratorConfig config, Clock clock) {
    this(
        Paths.get(config.databaseRollback().backupDirectory()),
        config.databaseRollback().backups(),
        clock);
  }

  BackupFiles(Path directory, OrchestratorConfig.Backups settings, Clock clock) {
    this.directory = directory;
    this.settings = settings;
    this.clock = clock;
  }

  /** A dump in the backup directory. */
  public record Dump(String name, Path path, Instant modified) {}

  /** The dumps, newest first (sidecar files left out). */
  public List<Dump> dumps() {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      List<Dump> dumps = new ArrayList<>();
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (Files.isRegularFile(file)
            && DatabaseBackups.BACKUP_NAME.matcher(name).matches()
            && SIDECAR_SUFFIXES.stream().noneMatch(name::endsWith)) {
          dumps.add(new Dump(name, file, Files.getLastModifiedTime(file).toInstant()));
        }
      }
      dumps.sort(Comparator.comparing(Dump::modified).reversed());
      return dumps;
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + directory + ": " + e.getMessage(), e);
    }
  }

  /** How many dumps were written since {@code since}. */
  public long takenSince(Instant since) {
    return dumps().stream().filter(d -> d.modified().isAfter(since)).count();
  }

  /**
   * Fails unless the backup directory has room for a dump of a database of {@code databaseBytes}
   * plus the configured margin: a procedure must not stop writes and then find it cannot back up.
   */
  public void requireRoomFor(long databaseBytes) throws DatabaseStepFailed {
    long needed = databaseBytes + settings.minFreeSpaceBytes();
    try {
      Files.createDirectories(directory);
      long usable = Files.getFileStore(directory).getUsableSpace();
      if (usable < needed) {
        throw new DatabaseStepFailed(
            "not enough disk space for a backup in "
                + directory
                + ": "
                + usable
                + " bytes free, "
                + needed
                + " needed (database "
                + databaseBytes
                + " bytes + backups.min-free-space-bytes)");
      }
    } catch (IOException e) {
      throw new DatabaseStepFailed(
          "cannot check the free space of " + directory + ": " + e.getMessage());
    }
  }

  /**
   * Retention: removes dumps beyond the newest {@code backups.keep} and those older than {@code
   * backups.max-age}, with their sidecar files, but never one named in {@code inUse} (the restore
   * source or the before-state of a rollback that waits or runs).
   *
   * @return the names removed
   */
  public List<String> prune(Set<String> inUse) {
    Instant oldest = Instant.now(clock).minus(settings.maxAge());
    List<Dump> dumps = dumps();
    int keep = Math.max(1, settings.keep());
    List<String> removed = new ArrayList<>();
    for (int i = 0; i < dumps.size(); i++) {
      Dump dump = dumps.get(i);
      boolean expired = i >= keep || dump.modified().isBefore(oldest);
      if (expired && !inUse.contains(dump.name())) {
        try {
          Files.deleteIfExists(dump.path());
          for (String suffix : SIDECAR_SUFFIXES) {
            Files.deleteIfExists(directory.resolve(dump.name() + suffix));
          }
          removed.add(dump.name());
        } catch (IOException e) {
          LOG.warnf("retention could not remove backup %s: %s", dump.name(), e.getMessage());
        }
      }
    }
    return removed;
  }
}
