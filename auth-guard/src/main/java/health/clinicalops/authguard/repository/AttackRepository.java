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
   * Writes the attack: new, or the latest evidence for a known one (first seen and a revocation
   * already done are kept). Returns true when the row is new.
   */
  @Timeout(value = 3, unit = ChronoUnit.SECONDS)
  @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.8, delay = 2000)
  @CircuitBreakerName("auth-guard-db-write-attack")
  public boolean upsert(Attack attack) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO attack (dedup_key, attack_class, subject, first_seen, last_seen,"
                    + " failures, sessions_revoked, shadow, evidence)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)"
                    + " ON CONFLICT (dedup_key) DO UPDATE SET last_seen = EXCLUDED.last_seen,"
                    + " failures = GREATEST(attack.failures, EXCLUDED.failures),"
                    + " sessions_revoked = attack.sessions_revoked OR EXCLUDED.sessions_revoked,"
                    + " evidence = EXCLUDED.evidence"
                    + " RETURNING (xmax = 0)")) {
      ps.setString(1, attack.dedupKey());
      ps.setString(2, attack.attackClass().wireValue());
      ps.setString(3, attack.subject());
      ps.setTimestamp(4, Timestamp.from(attack.firstSeen()));
      ps.setTimestamp(5, Timestamp.from(attack.lastSeen()));
      ps.setLong(6, attack.failures());
      ps.setBoolean(7, attack.sessionsRevoked());
      ps.setBoolean(8, attack.shadow());
      ps.setString(9, evidence.write(attack.evidence()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot write attack: " + e.getMessage(), e);
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
