package health.clinicalops.rollbackorchestrator.rollback.service;

import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a restore from a dump leaves alone: the tables in {@code preserved-tables} ({@code
 * "AuditLog"}, with its indexes and sequences) and the schemas in {@code preserved-schemas} ({@code
 * audit_keeper}), so no audit event written since the backup is rolled back.
 */
@ApplicationScoped
public class RestoreFilter {

  private final AppDatabase database;
  private final OrchestratorConfig.DatabaseRollback config;

  RestoreFilter(AppDatabase database, OrchestratorConfig config) {
    this.database = database;
    this.config = config.databaseRollback();
  }

  /**
   * The objects a restore must not touch: each preserved table that exists now, with its indexes
   * and sequences (their TOC entries do not name the table), and each preserved schema that exists.
   */
  record PreservedObjects(Set<String> tables, Set<String> attached, Set<String> schemas) {
    boolean isEmpty() {
      return tables.isEmpty() && schemas.isEmpty();
    }

    String describe() {
      List<String> parts = new ArrayList<>();
      tables.forEach(t -> parts.add("table \"" + t + "\""));
      schemas.forEach(s -> parts.add("schema " + s));
      return String.join(", ", parts);
    }

    /** True for a TOC entry of a preserved object (any token but the last, the owner, names it). */
    boolean covers(String tocEntry) {
      String[] tokens = tocEntry.trim().split("\\s+");
      for (int i = 1; i < tokens.length - 1; i++) {
        String token = tokens[i];
        if (tables.contains(token) || attached.contains(token) || schemas.contains(token)) {
          return true;
        }
      }
      return false;
    }
  }

  /** The preserved objects as the app database has them now. */
  PreservedObjects preservedNow() throws DatabaseStepFailed {
    AppDatabase.Catalog catalog =
        database.existing(config.preservedTables(), config.preservedSchemas());
    Set<String> attached = new LinkedHashSet<>();
    catalog.tables().values().forEach(attached::addAll);
    return new PreservedObjects(
        new LinkedHashSet<>(catalog.tables().keySet()), attached, catalog.schemas());
  }

  /** {@code pg_restore --list} output without the entries of preserved objects. */
  static List<String> restoreList(String contents, PreservedObjects preserved) {
    return contents
        .lines()
        .filter(line -> line.startsWith(";") || !preserved.covers(line))
        .toList();
  }
}
