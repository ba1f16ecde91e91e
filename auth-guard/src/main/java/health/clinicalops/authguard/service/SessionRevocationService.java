package health.clinicalops.authguard.service;

import health.clinicalops.authguard.repository.AppAccountRepository;
import health.clinicalops.opskit.clients.AuditTrail;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.constraints.NotBlank;
import java.util.Map;

/**
 * The runbook's step 5, "Force Password Reset (if targeted)": clears the account's refresh token in
 * the app database so every session must sign in again, and records it at audit-keeper.
 */
@ApplicationScoped
public class SessionRevocationService {

  private final AppAccountRepository accounts;
  private final AuditTrail audit;
  private final AuthGuardMetrics metrics;

  SessionRevocationService(
      AppAccountRepository accounts, AuditTrail audit, AuthGuardMetrics metrics) {
    this.accounts = accounts;
    this.audit = audit;
    this.metrics = metrics;
  }

  /**
   * Revokes the sessions of the account with this email. Returns how many accounts matched (0 when
   * there is no such account; nothing is recorded then).
   */
  public int revoke(@NotBlank String email, String actor, String reason) {
    int updated = accounts.revokeSessions(email);
    if (updated > 0) {
      metrics.revocation("auth-guard".equals(actor) ? "automatic" : "operator");
      audit.record(
          actor,
          "sessions.revoked",
          Map.of("username", email, "accounts", updated, "reason", reason));
    }
    return updated;
  }
}
