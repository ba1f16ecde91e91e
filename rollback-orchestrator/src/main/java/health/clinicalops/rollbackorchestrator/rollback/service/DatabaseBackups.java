package health.clinicalops.rollbackorchestrator.rollback.service;

import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Dumps of the app database in the backup directory: taking one ({@code pg_dump}, with the row
 * counts at that time beside it) and restoring one ({@code pg_restore} of all of it but the
 * preserved objects).
 */
@ApplicationScoped
public class DatabaseBackups {

  /** Backup names: letters, digits, dot, dash, underscore (they become file names). */
  public static final Pattern BACKUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,120}");

  private static final String COUNTS_SUFFIX = ".counts.properties";

  private final AppDatabase database;
  private final PgTools tools;
  private final RestoreFilter filter;
  private final OrchestratorConfig.DatabaseRollback config;

  DatabaseBackups(
      AppDatabase database, PgTools tools, RestoreFilter filter, OrchestratorConfig config) {
    this.database = database;
    this.tools = tools;
    this.filter = filter;
    this.config = config.databaseRollback();
  }

  /** A backup on disk. */
  public record Backup(String name, Path path, long size, Map<String, Long> rowCounts) {}

  /** {@code pg_dump -Fc} of the whole database into the backup directory, with its row counts. */
  public Backup backup(String name) throws DatabaseStepFailed, InterruptedException {
    if (!BACKUP_NAME.matcher(name).matches()) {
      throw new DatabaseStepFailed("invalid backup name '" + name + "'");
    }
    Path dir = Paths.get(config.backupDirectory());
    Path file = dir.resolve(name);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new DatabaseStepFailed("cannot create " + dir + ": " + e.getMessage());
    }
    Map<String, Long> counts = database.rowCounts();
    tools.dump(file);
    Properties properties = new Properties();
    counts.forEach((table, count) -> properties.setProperty(table, String.valueOf(count)));
    try (OutputStream out = Files.newOutputStream(dir.resolve(name + COUNTS_SUFFIX))) {
      properties.store(out, "row counts when " + name + " was taken");
      return new Backup(name, file, Files.size(file), counts);
    } catch (IOException e) {
      throw new DatabaseStepFailed("cannot record the backup's counts: " + e.getMessage());
    }
  }

  /** Row counts a backup recorded when it was taken (empty for backups made elsewhere). */
  public Map<String, Long> recordedCounts(String name) {
    Path file = Paths.get(config.backupDirectory()).resolve(name + COUNTS_SUFFIX);
    Map<String, Long> counts = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return counts;
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
      for (String table : config.verifiedTables()) {
        String value = properties.getProperty(table);
        if (value != null) {
          counts.put(table, Long.parseLong(value.trim()));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Map.of();
    }
    return counts;
  }

  public boolean backupExists(String name) {
    return BACKUP_NAME.matcher(name).matches()
        && Files.isRegularFile(Paths.get(config.backupDirectory()).resolve(name));
  }

  /**
   * Restores {@code name} with {@code pg_restore --clean --if-exists --single-transaction}, all of
   * it but the preserved tables and schemas that exist in the database now (see {@link
   * RestoreFilter}).
   */
  public String restoreFromBackup(String name) throws DatabaseStepFailed, InterruptedException {
    if (!backupExists(name)) {
      throw new DatabaseStepFailed("no backup named '" + name + "' in " + config.backupDirectory());
    }
    Path file = Paths.get(config.backupDirectory()).resolve(name);
    String contents = tools.contents(file);
    RestoreFilter.PreservedObjects preserved = filter.preservedNow();
    List<String> list = RestoreFilter.restoreList(contents, preserved);
    Path listFile = Paths.get(config.backupDirectory()).resolve(name + ".restore-list");
    try {
      Files.write(listFile, list);
    } catch (IOException e) {
      throw new DatabaseStepFailed("cannot write " + listFile + ": " + e.getMessage());
    }
    tools.restore(file, listFile);
    return "pg_restore of "
        + file
        + (preserved.isEmpty() ? "" : ", left as they are: " + preserved.describe());
  }
}
