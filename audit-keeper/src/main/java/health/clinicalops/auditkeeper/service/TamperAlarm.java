package health.clinicalops.auditkeeper.service;

import health.clinicalops.auditkeeper.domain.ChainProblem;
import health.clinicalops.auditkeeper.domain.VerificationReport;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.AuditFailureEvidence;
import health.clinicalops.opskit.evidence.Bounded;
import health.clinicalops.opskit.journal.RunbookJournal;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * A broken hash chain means rows of "AuditLog" were changed, moved or deleted behind the
 * append-only rules: a suspected data breach. It opens a P1 incident flagged as such, so
 * rollback-orchestrator pages the breach contacts as "Emergency Escalation" says, and is an audit
 * event of its own.
 */
@ApplicationScoped
public class TamperAlarm {

  private static final Logger LOG = Logger.getLogger(TamperAlarm.class);

  private final RunbookJournal journal;

  TamperAlarm(RunbookJournal journal) {
    this.journal = journal;
  }

  /** Raises the alarm for {@code report} (not valid), found while doing {@code during}. */
  public void chainBroken(VerificationReport report, String during) {
    List<ChainProblem> problems = report.problems();
    ChainProblem first = problems.get(0);
    String summary =
        problems.size()
            + " problem(s) in the hash chain of \"AuditLog\", the first at seq "
            + first.seq()
            + " ("
            + first.kind()
            + ": "
            + first.detail()
            + "), found during "
            + during;
    LOG.errorf("suspected data breach: %s", summary);
    List<String> listed =
        problems.stream()
            .limit(Bounded.ENTRIES)
            .map(p -> p.kind() + " seq " + p.seq() + (p.toSeq() != p.seq() ? ".." + p.toSeq() : ""))
            .toList();
    journal
        .incident(
            journal.dedupKey("chain-broken", first.kind(), first.seq()),
            Severity.P1,
            "Audit log tampering suspected: the hash chain is broken (data breach protocol)",
            AuditFailureEvidence.chainBroken(during, problems.size(), listed))
        .suspectingDataBreach()
        .step(
            "audit-keeper.chain.broken",
            summary,
            Map.of(
                "foundDuring", during, "problemCount", problems.size(), "firstSeq", first.seq()));
  }
}
