package health.clinicalops.auditkeeper.service;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/** Drains the spool into "AuditLog" as soon as the database takes writes again. */
@ApplicationScoped
public class SpoolReplayer {

  private final AuditWriter writer;

  SpoolReplayer(AuditWriter writer) {
    this.writer = writer;
  }

  @Scheduled(
      every = "${clinicalops.audit-keeper.spool.replay-interval:1s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void replay() {
    writer.drain();
  }
}
