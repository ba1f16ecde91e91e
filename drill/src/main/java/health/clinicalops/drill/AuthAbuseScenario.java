package health.clinicalops.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.testing.ServiceProcess;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Runbook "Authentication Abuse Detected": credential stuffing from one IP, then a distributed
 * attack on one account. auth-guard must block, classify, revoke the targeted account's sessions,
 * and rollback-orchestrator must page the security team for the P1.
 */
final class AuthAbuseScenario {

  static final String RUNBOOK = "Authentication Abuse";
  static final String STUFFER = "203.0.113.7";
  static final String TARGET = "user7@clinic.example";
  static final String BYSTANDER = "user8@clinic.example";
  private static final String[] COMMON_PASSWORDS = {"fp-123456", "fp-password", "fp-qwerty"};
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalStack stack;
  private final Expectations expectations;

  AuthAbuseScenario(LocalStack stack, Timeline timeline) {
    this.stack = stack;
    this.expectations = new Expectations(timeline);
  }

  void play() {
    ServiceProcess authGuard = stack.services().get("auth-guard");
    int securityPagesBefore = stack.pager().requestsTo("/security-team").size();

    StringBuilder stuffing = new StringBuilder();
    for (int i = 1; i <= 60; i++) {
      stuffing.append(
          event(STUFFER, "user" + (100 + i) + "@clinic.example", COMMON_PASSWORDS[i % 3]));
    }
    Instant sent = Instant.now();
    authGuard.send(
        "POST",
        "/api/v1/auth-events",
        LocalStack.APP_TOKEN,
        "application/x-ndjson",
        stuffing.toString());
    String event = "60 failed sign-ins from " + STUFFER + ", 60 accounts";
    expectations.expect(
        RUNBOOK,
        event,
        "IP blocked",
        sent,
        "5 min (steps 1-3)",
        "threshold >50 in 5 min",
        Duration.ofSeconds(5),
        () -> authGuard.get("/api/v1/blocks/" + STUFFER, LocalStack.APP_TOKEN).status() == 200);
    expectations.expect(
        RUNBOOK,
        event,
        "classified: credential stuffing",
        sent,
        "5 min (step 4)",
        "",
        Duration.ofSeconds(10),
        () -> attackSeen(authGuard, "credential", STUFFER));
    expectations.expect(
        RUNBOOK,
        event,
        "P1 incident, security team paged",
        sent,
        "within 15 min",
        "",
        Duration.ofSeconds(20),
        () -> stack.pager().requestsTo("/security-team").size() > securityPagesBefore);

    StringBuilder distributed = new StringBuilder();
    for (int ip = 1; ip <= 12; ip++) {
      for (int attempt = 0; attempt < 4; attempt++) {
        distributed.append(event("198.51.100." + ip, TARGET, "fp-guess-" + ip + "-" + attempt));
      }
    }
    Instant attacked = Instant.now();
    authGuard.send(
        "POST",
        "/api/v1/auth-events",
        LocalStack.APP_TOKEN,
        "application/x-ndjson",
        distributed.toString());
    String targeted = "48 failures on " + TARGET + " from 12 IPs";
    expectations.expect(
        RUNBOOK,
        targeted,
        "classified: distributed",
        attacked,
        "5 min (step 4)",
        "",
        Duration.ofSeconds(10),
        () -> attackSeen(authGuard, "distributed", TARGET));
    expectations.expect(
        RUNBOOK,
        targeted,
        "sessions revoked (\"refreshToken\" = NULL)",
        attacked,
        "step 5, by hand",
        "only the targeted account",
        Duration.ofSeconds(10),
        () -> refreshTokenIsNull(TARGET) && !refreshTokenIsNull(BYSTANDER));
  }

  private static String event(String ip, String username, String fingerprint) {
    return "{\"ip\":\""
        + ip
        + "\",\"username\":\""
        + username
        + "\",\"outcome\":\"failure\",\"passwordFingerprint\":\""
        + fingerprint
        + "\"}\n";
  }

  private static boolean attackSeen(ServiceProcess authGuard, String kind, String subject) {
    ServiceProcess.Response response = authGuard.get("/api/v1/attacks", LocalStack.SERVICE_TOKEN);
    if (!response.ok()) {
      return false;
    }
    try {
      for (JsonNode attack : JSON.readTree(response.body())) {
        String attackClass = attack.path("attackClass").asText().toLowerCase(Locale.ROOT);
        if (attackClass.contains(kind) && subject.equals(attack.path("subject").asText())) {
          return true;
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  private boolean refreshTokenIsNull(String email) {
    try (Connection c = stack.postgres().connect(AppDatabase.APP);
        PreparedStatement query =
            c.prepareStatement("SELECT \"refreshToken\" IS NULL FROM \"User\" WHERE email = ?")) {
      query.setString(1, email);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    } catch (SQLException e) {
      return false;
    }
  }
}
