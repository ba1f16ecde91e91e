package health.clinicalops.drill;

import java.util.HashMap;
import java.util.Map;

/**
 * The settings the drill gives each service: its local wiring, and the runbooks' minute-long
 * durations shortened to seconds so that every incident plays out in a few seconds. The timeline
 * says which thresholds were shortened.
 */
final class DrillSettings {

  /** pg_dump and pg_restore 15 for the database rollback (Debian's postgresql-client-15). */
  static final String PG_CLIENT_BIN = "/usr/lib/postgresql/15/bin";

  private DrillSettings() {}

  static Map<String, String> forService(String name, LocalStack stack) {
    Map<String, String> s = new HashMap<>();
    s.put(
        "clinicalops.outbox.directory", stack.workDir().resolve("outbox").resolve(name).toString());
    switch (name) {
      case "auth-guard" -> {
        LocalStack.datasource(s, "quarkus.datasource.app.", stack.postgres(), AppDatabase.APP);
        s.put("quarkus.redis.hosts", stack.redis().uri());
        s.put("clinicalops.auth-guard.overwhelmed.window", "10s");
        s.put("clinicalops.auth-guard.overwhelmed.relief.enabled", "true");
        s.put("clinicalops.auth-guard.overwhelmed.relief.duration", "8s");
      }
      case "db-sentinel" -> {
        String prefix = "clinicalops.db-sentinel.";
        s.put(prefix + "primary.jdbc-url", stack.postgres().jdbcUrl(AppDatabase.APP));
        s.put(prefix + "primary.username", stack.postgres().username());
        s.put(prefix + "primary.password", stack.postgres().password());
        s.put(prefix + "probe.interval", "500ms");
        s.put(prefix + "response.detection-delay", "2s");
        s.put(prefix + "response.settling-time", "3s");
        s.put(prefix + "leader.identity", "db-sentinel-drill");
      }
      case "audit-keeper" -> {
        LocalStack.datasource(s, "quarkus.datasource.", stack.postgres(), AppDatabase.APP);
        // The shipped 3 s, not the drill's 30 s for a busy start: audit-keeper starts without its
        // database anyway (it spools and migrates later), and the hung-database scenario must
        // show how long the installed service takes to fail over to its spool.
        s.remove("quarkus.datasource.jdbc.acquisition-timeout");
        s.put(
            "clinicalops.audit-keeper.spool.directory",
            stack.workDir().resolve("audit-spool").toString());
        s.put(
            "clinicalops.audit-keeper.retention.directory",
            stack.workDir().resolve("audit-archive").toString());
      }
      case "error-watch" -> {
        String prefix = "clinicalops.error-watch.";
        s.put(prefix + "windows.bucket", "1s");
        s.put(prefix + "windows.evaluation-interval", "1s");
        s.put(prefix + "windows.allowed-lateness", "1s");
        s.put(prefix + "alert.duration", "5s");
        s.put(prefix + "alert.ratio-window", "5s");
        s.put(prefix + "alert.resolve-after", "5s");
      }
      case "rollback-orchestrator" -> {
        s.put("clinicalops.rollback-orchestrator.rollback.cooldown", "20s");
        s.put("clinicalops.rollback-orchestrator.rollback.targets", LocalDeploymentController.APP);
        String database = "clinicalops.rollback-orchestrator.database-rollback.";
        s.put(database + "jdbc-url", stack.postgres().jdbcUrl(AppDatabase.APP));
        s.put(database + "username", stack.postgres().username());
        s.put(database + "password", stack.postgres().password());
        s.put(database + "bin-directory", PG_CLIENT_BIN);
        s.put(database + "backup-directory", stack.workDir().resolve("backups").toString());
        String contacts = "clinicalops.rollback-orchestrator.escalation.contacts.";
        for (String contact :
            new String[] {
              "cto", "security-team", "on-call-engineer", "product-team", "breach-contacts"
            }) {
          s.put(contacts + contact + ".webhook-url", stack.pager().urlFor("/" + contact));
        }
      }
      default -> {}
    }
    return new HashMap<>(s);
  }
}
