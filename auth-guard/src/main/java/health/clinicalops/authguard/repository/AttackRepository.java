package health.clinicalops.authguard.repository;

import health.clinicalops.authguard.domain.Attack;
import health.clinicalops.authguard.domain.AttackClass;
import io.agroal.api.AgroalDataSource;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * Classified attacks in PostgreSQL ({@code auth_guard.attack}), one row per pattern and subject.
 */
@ApplicationScoped
public class AttackRepository {

  private static final String COLUMNS =
      "dedup_key, attack_class, subject, first_seen, last_seen, failures, sessions_revoked,"
          + " shadow, evidence::text";

  private final AgroalDataSource dataSource;
  private final EvidenceJson evidence;

  AttackRepository(AgroalDataSource dataSource, EvidenceJson evidence) {
    this.dataSource = dataSource;
    this.evidence = evidence;
  }

  /**
   * Writes the attack: new, or the latest evidence of its current episode (first seen and a
   * revocation already done are kept). An attack whose last failure is older than {@code
   * endedBefore} has ended: the write starts a new episode, as if the row were new.
   *
   * @return true when this write started an episode (a new row, or a repeat after a quiet period)
   */
  @Timeout(value = 3, unit = ChronoUnit.SECONDS)
  @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.8, delay = 2000)
  @CircuitBreakerName("auth-guard-db-write-attack")
  public boolean upsert(Attack attack, Instant endedBefore) {
    String ended = "attack.last_seen < ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO attack (dedup_key, attack_class, subject, first_seen, last_seen,"
                    + " failures, sessions_revoked, shadow, evidence)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)"
                    + " ON CONFLICT (dedup_key) DO UPDATE SET"
                    + " first_seen = CASE WHEN "
                    + ended
                    + " THEN EXCLUDED.first_seen ELSE attack.first_seen END,"
                    + " failures = CASE WHEN "
                    + ended
                    + " THEN EXCLUDED.failures"
                    + " ELSE GREATEST(attack.failures, EXCLUDED.failures) END,"
                    + " sessions_revoked = CASE WHEN "
                    + ended
                    + " THEN EXCLUDED.sessions_revoked"
                    + " ELSE attack.sessions_revoked OR EXCLUDED.sessions_revoked END,"
                    + " sessions_revoked_at = CASE WHEN "
                    + ended
                    + " THEN NULL ELSE attack.sessions_revoked_at END,"
                    + " last_seen = EXCLUDED.last_seen,"
                    + " evidence = EXCLUDED.evidence"
                    + " RETURNING (xmax = 0) OR first_seen = ?")) {
      Timestamp endedAt = Timestamp.from(endedBefore);
      ps.setString(1, attack.dedupKey());
      ps.setString(2, attack.attackClass().wireValue());
      ps.setString(3, attack.subject());
      ps.setTimestamp(4, Timestamp.from(attack.firstSeen()));
      ps.setTimestamp(5, Timestamp.from(attack.lastSeen()));
      ps.setLong(6, attack.failures());
      ps.setBoolean(7, attack.sessionsRevoked());
      ps.setBoolean(8, attack.shadow());
      ps.setString(9, evidence.write(attack.evidence()));
      for (int i = 10; i <= 13; i++) {
        ps.setTimestamp(i, endedAt);
      }
      ps.setTimestamp(14, Timestamp.from(attack.firstSeen()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot write attack: " + e.getMessage(), e);
    }
  }

  /**
   * Takes one of the {@code cap} automatic revocations allowed since {@code since} for this
   * attack's episode, counted across replicas (an advisory lock makes count and mark one step).
   * False when the cap is reached or the episode already has its revocation.
   */
  @Timeout(value = 3, unit = ChronoUnit.SECONDS)
  public boolean takeRevocation(String dedupKey, Instant since, int cap, Instant now) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement lock =
            c.prepareStatement(
                "SELECT pg_advisory_xact_lock(hashtext('auth-guard:revocations'))")) {
          lock.execute();
        }
        boolean taken;
        try (PreparedStatement ps =
            c.prepareStatement(
                "UPDATE attack SET sessions_revoked_at = ? WHERE dedup_key = ?"
                    + " AND sessions_revoked_at IS NULL"
                    + " AND (SELECT count(*) FROM attack WHERE sessions_revoked_at > ?) < ?")) {
          ps.setTimestamp(1, Timestamp.from(now));
          ps.setString(2, dedupKey);
          ps.setTimestamp(3, Timestamp.from(since));
          ps.setInt(4, cap);
          taken = ps.executeUpdate() == 1;
        }
        c.commit();
        return taken;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot count revocations: " + e.getMessage(), e);
    }
  }

  /** Gives back a revocation taken for an attack whose revocation then failed. */
  @Timeout(value = 3, unit = ChronoUnit.SECONDS)
  public void returnRevocation(String dedupKey) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE attack SET sessions_revoked_at = NULL WHERE dedup_key = ?")) {
      ps.setString(1, dedupKey);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot return a revocation: " + e.getMessage(), e);
    }
  }

  /** Attacks seen since {@code since}, most recent first. */
  @Timeout(value = 3, unit = ChronoUnit.SECONDS)
  public List<Attack> seenSince(Instant since, Optional<AttackClass> only) {
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM attack WHERE last_seen >= ?"
            + (only.isPresent() ? " AND attack_class = ?" : "")
            + " ORDER BY last_seen DESC LIMIT 500";
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setTimestamp(1, Timestamp.from(since));
      if (only.isPresent()) {
        ps.setString(2, only.get().wireValue());
      }
      List<Attack> attacks = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          attacks.add(
              new Attack(
                  rs.getString(1),
                  AttackClass.valueOf(rs.getString(2).toUpperCase().replace('-', '_')),
                  rs.getString(3),
                  rs.getTimestamp(4).toInstant(),
                  rs.getTimestamp(5).toInstant(),
                  rs.getLong(6),
                  rs.getBoolean(7),
                  rs.getBoolean(8),
                  evidence.read(rs.getString(9))));
        }
      }
      return attacks;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read attacks: " + e.getMessage(), e);
    }
  }
}
