package health.clinicalops.authguard.service;

import health.clinicalops.authguard.repository.AppAccountRepository;
import health.clinicalops.opskit.journal.RunbookJournal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.constraints.NotBlank;
import java.util.Map;

/**
 * The runbook's step 5, "Force Password Reset (if targeted)": clears the account's refresh token in
 * the app database so every session must sign in again. An automatic revocation is a step of its
 * attack's incident (recorded there); an operator's is recorded here.
 */
@ApplicationScoped
public class SessionRevocationService {

  /** The action of a revocation, in the audit log and on an incident's timeline. */
  static final String REVOKED = "sessions.revoked";

  private final AppAccountRepository accounts;
  private final RunbookJournal journal;
  private final AuthGuardMetrics metrics;

  SessionRevocationService(
      AppAccountRepository accounts, RunbookJournal journal, AuthGuardMetrics metrics) {
    this.accounts = accounts;
    this.journal = journal;
    this.metrics = metrics;
  }

  /**
   * Revokes the sessions of the account with this email for an attack on it. Returns how many
   * accounts matched (0 when there is no such account); the caller records the step.
   */
  int revokeAutomatically(String email) {
    int updated = accounts.revokeSessions(email);
    if (updated > 0) {
      metrics.revocation("automatic");
    }
    return updated;
  }

  /**
   * An operator's revocation of the account with this email. Returns how many accounts matched (0
   * when there is no such account; nothing is recorded then).
   */
  public int revokeByOperator(@NotBlank String email, String operator) {
    int updated = accounts.revokeSessions(email);
    if (updated > 0) {
      metrics.revocation("operator");
      journal.recordFor(
          operator,
          REVOKED,
          "refresh token of " + email + " cleared by " + operator,
          Map.of(
              "username",
              email,
              "accounts",
              updated,
              "reason",
              "operator request (runbook step 5)",
              "operator",
              operator));
    }
    return updated;
  }
}
