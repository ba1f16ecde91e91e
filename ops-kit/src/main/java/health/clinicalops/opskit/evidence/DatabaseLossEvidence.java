package health.clinicalops.opskit.evidence;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Evidence of the "Database Connectivity Loss" runbook: the cause db-sentinel saw (unreachable,
 * credentials refused, connection slots exhausted), what it changed (mode, target) and, for a
 * connection shortage, who holds the connections (step 3's queries). Fields that do not apply are
 * null and left out of the JSON.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatabaseLossEvidence(
    String cause,
    String detail,
    Instant lastAnswerAt,
    Long unreachableForSeconds,
    Boolean backupConfigured,
    Boolean backupHealthy,
    String mode,
    Long leaseSeconds,
    String target,
    Long recoverySeconds,
    String username,
    Integer used,
    Integer max,
    Double saturation,
    Map<String, Integer> byState,
    List<ConnectionHolder> topHolders,
    List<Session> idleInTransaction,
    List<Session> longRunning)
    implements Evidence {

  public DatabaseLossEvidence {
    cause = Bounded.name(cause);
    detail = Bounded.text(detail);
    mode = Bounded.name(mode);
    target = Bounded.name(target);
    username = Bounded.name(username);
    byState = Bounded.map(byState);
    topHolders = Bounded.list(topHolders);
    idleInTransaction = Bounded.list(idleInTransaction);
    longRunning = Bounded.list(longRunning);
  }

  /** The primary has not answered since {@code lastAnswerAt}. */
  public static DatabaseLossEvidence unreachable(
      String cause,
      String detail,
      Instant lastAnswerAt,
      long unreachableForSeconds,
      boolean backupConfigured,
      boolean backupHealthy) {
    return new DatabaseLossEvidence(
        cause,
        detail,
        lastAnswerAt,
        unreachableForSeconds,
        backupConfigured,
        backupHealthy,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** The server answers but refuses {@code username}'s login. */
  public static DatabaseLossEvidence credentialsRejected(
      String cause, String detail, String username) {
    return new DatabaseLossEvidence(
        cause, detail, null, null, null, null, null, null, null, null, username, null, null, null,
        null, null, null, null);
  }

  /** Connection slots short: {@code used} of {@code max} (-1 unknown) and who holds them. */
  public static DatabaseLossEvidence connectionSlots(
      String cause,
      int used,
      int max,
      double saturation,
      Map<String, Integer> byState,
      List<ConnectionHolder> topHolders,
      List<Session> idleInTransaction,
      List<Session> longRunning) {
    return new DatabaseLossEvidence(
        cause,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        used,
        max,
        saturation,
        byState,
        topHolders,
        idleInTransaction,
        longRunning);
  }

  /** Nothing seen by this replica: an incident it took over from another one. */
  public static DatabaseLossEvidence takenOver() {
    return new DatabaseLossEvidence(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null);
  }

  /** The same evidence with the time from detection to recovery. */
  public DatabaseLossEvidence withRecoverySeconds(long seconds) {
    return new DatabaseLossEvidence(
        cause,
        detail,
        lastAnswerAt,
        unreachableForSeconds,
        backupConfigured,
        backupHealthy,
        mode,
        leaseSeconds,
        target,
        seconds,
        username,
        used,
        max,
        saturation,
        byState,
        topHolders,
        idleInTransaction,
        longRunning);
  }

  @Override
  public String runbook() {
    return Runbooks.DATABASE_CONNECTIVITY_LOSS;
  }

  /** Connections held by one user and application. */
  @RegisterForReflection
  public record ConnectionHolder(
      String user, String application, String clientAddress, String state, long connections) {
    public ConnectionHolder {
      user = Bounded.name(user);
      application = Bounded.name(application);
      clientAddress = Bounded.name(clientAddress);
      state = Bounded.name(state);
    }
  }

  /** One session of {@code pg_stat_activity}. */
  @RegisterForReflection
  public record Session(
      long pid, String user, String application, String state, long durationSeconds) {
    public Session {
      user = Bounded.name(user);
      application = Bounded.name(application);
      state = Bounded.name(state);
    }
  }
}
