package health.clinicalops.auditkeeper.service;

import health.clinicalops.auditkeeper.domain.ChainProblem;
import health.clinicalops.auditkeeper.domain.VerificationReport;
import health.clinicalops.opskit.clients.IncidentReport;
import health.clinicalops.opskit.clients.IncidentReporter;
import health.clinicalops.opskit.evidence.Runbooks;
import health.clinicalops.opskit.clients.Severity;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
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
  private static final int LISTED_PROBLEMS = 20;

  private final IncidentReporter incidents;
  private final AuditWriter writer;

  TamperAlarm(IncidentReporter incidents, AuditWriter writer) {
    this.incidents = incidents;
    this.writer = writer;
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
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put(IncidentReport.SUSPECTED_DATA_BREACH, true);
    evidence.put("foundDuring", during);
    evidence.put("problemCount", problems.size());
    evidence.put(
        "problems",
        problems.subList(0, Math.min(LISTED_PROBLEMS, problems.size())).stream()
            .map(p -> p.kind() + " seq " + p.seq() + (p.toSeq() != p.seq() ? ".." + p.toSeq() : ""))
            .toList());
    incidents.report(
        IncidentReport.open(
                "audit-keeper/chain-broken/" + first.kind() + "/" + first.seq(),
                Runbooks.AUDIT_LOG_FAILURE,
                Severity.P1,
                "Audit log tampering suspected: the hash chain is broken (data breach protocol)",
                evidence,
                AuditWriter.SELF)
            .withStep("audit-keeper.chain.broken", summary));
    writer.recordOwn(
        "audit-keeper.chain.broken",
        Map.of("foundDuring", during, "problemCount", problems.size(), "firstSeq", first.seq()));
  }
}
