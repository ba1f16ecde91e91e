package health.clinicalops.auditkeeper.service;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * Runs the Flyway migrations at start-up and, while the database is unreachable, again on every
 * later attempt to write, so audit-keeper starts (and spools) even when the database is down.
 */
@ApplicationScoped
public class SchemaMigrator {

  private static final Logger LOG = Logger.getLogger(SchemaMigrator.class);

  private final Flyway flyway;
  private volatile boolean migrated;

  SchemaMigrator(Flyway flyway) {
    this.flyway = flyway;
  }

  void onStart(@Observes StartupEvent start) {
    ensureMigrated();
  }

  public boolean isMigrated() {
    return migrated;
  }

  /** True once the schema is current; tries to migrate when it is not yet. */
  public boolean ensureMigrated() {
    if (migrated) {
      return true;
    }
    synchronized (this) {
      if (!migrated) {
        try {
          flyway.migrate();
          migrated = true;
          LOG.info("\"AuditLog\" schema is current");
        } catch (RuntimeException e) {
          LOG.warnf("cannot migrate the audit schema yet (%s); events are spooled", e.getMessage());
        }
      }
      return migrated;
    }
  }
}
