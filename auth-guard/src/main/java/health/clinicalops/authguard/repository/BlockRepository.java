package health.clinicalops.authguard.repository;

import health.clinicalops.authguard.domain.IpBlock;
import health.clinicalops.opskit.evidence.AuthAbuseEvidence;
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
 * Blocks in PostgreSQL ({@code auth_guard.ip_block}), plain JDBC: the durable record every replica
 * reads. One open block per IP is guaranteed by a partial unique index, so two replicas blocking
 * the same IP at once create one block.
 */
@ApplicationScoped
public class BlockRepository {

  private static final String COLUMNS =
      "id, ip, reason, origin, created_by, created_at, expires_at, offence, shadow, lifted_at,"
          + " lifted_by, evidence::text";

  private final AgroalDataSource dataSource;
  private final EvidenceJson evidence;

  BlockRepository(AgroalDataSource dataSource, EvidenceJson evidence) {
    this.dataSource = dataSource;
    this.evidence = evidence;
  }

  /** A new block to write. */
  public record NewBlock(
      String ip,
      String reason,
      String origin,
      String createdBy,
      Instant createdAt,
      Instant expiresAt,
      int offence,
      boolean shadow,
      AuthAbuseEvidence evidence) {}

  /**
   * Closes the IP's expired block (if any) and opens {@code block}, unless an open one exists: then
   * that one is returned and {@code created} is false.
   */
  @Timeout(value = 3, unit = ChronoUnit.SECONDS)
  @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.8, delay = 2000)
  @CircuitBreakerName("auth-guard-db-insert-block")
  public Insertion insertIfNoOpenBlock(NewBlock block) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        closeExpired(c, block.ip(), block.createdAt());
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO ip_block (ip, reason, origin, created_by, created_at, expires_at,"
                    + " offence, shadow, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)"
                    + " ON CONFLICT (ip) WHERE lifted_at IS NULL DO NOTHING RETURNING "
                    + COLUMNS)) {
          ps.setString(1, block.ip());
          ps.setString(2, block.reason());
          ps.setString(3, block.origin());
          ps.setString(4, block.createdBy());
          ps.setTimestamp(5, Timestamp.from(block.createdAt()));
          ps.setTimestamp(6, Timestamp.from(block.expiresAt()));
          ps.setInt(7, block.offence());
          ps.setBoolean(8, block.shadow());
          ps.setString(9, evidence.write(block.evidence()));
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              IpBlock created = read(rs);
              c.commit();
              return new Insertion(created, true);
            }
          }
        }
        IpBlock existing = findOpen(c, block.ip()).orElseThrow();
        c.commit();
        return new Insertion(existing, false);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot write block: " + e.getMessage(), e);
    }
  }

  /** The result of {@link #insertIfNoOpenBlock}. */
  public record Insertion(IpBlock block, boolean created) {}

  /** How many blocks this IP got since {@code since} (its earlier offences). */
  @Timeout(value = 3, unit = ChronoUnit.SECONDS)
  @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.8, delay = 2000)
  @CircuitBreakerName("auth-guard-db-count-blocks")
  public int countBlocksSince(String ip, Instant since) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FROM ip_block WHERE ip = ? AND created_at >= ? AND NOT shadow")) {
      ps.setString(1, ip);
      ps.setTimestamp(2, Timestamp.from(since));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot count blocks: " + e.getMessage(), e);
    }
  }

  /** Every block open at {@code now}: the enforcement set every replica holds in memory. */
  @Timeout(value = 3, unit = ChronoUnit.SECONDS)
  @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.8, delay = 2000)
  @CircuitBreakerName("auth-guard-db-open-blocks")
  public List<IpBlock> findActive(Instant now) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + " FROM ip_block WHERE lifted_at IS NULL AND expires_at > ? ORDER BY id")) {
      ps.setTimestamp(1, Timestamp.from(now));
      return list(ps);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read blocks: " + e.getMessage(), e);
    }
  }

  /** A source's history, newest first. */
  @Timeout(value = 3, unit = ChronoUnit.SECONDS)
  public List<IpBlock> history(String ip, int max) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT " + COLUMNS + " FROM ip_block WHERE ip = ? ORDER BY id DESC LIMIT ?")) {
      ps.setString(1, ip);
      ps.setInt(2, max);
      return list(ps);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read blocks: " + e.getMessage(), e);
    }
  }

  /** Lifts the IP's open block; empty when it had none (or it had already expired). */
  @Timeout(value = 3, unit = ChronoUnit.SECONDS)
  @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.8, delay = 2000)
  @CircuitBreakerName("auth-guard-db-lift-block")
  public Optional<IpBlock> lift(String ip, String liftedBy, Instant now) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE ip_block SET lifted_at = ?, lifted_by = ? WHERE ip = ? AND lifted_at IS"
                    + " NULL AND expires_at > ? RETURNING "
                    + COLUMNS)) {
      ps.setTimestamp(1, Timestamp.from(now));
      ps.setString(2, liftedBy);
      ps.setString(3, ip);
      ps.setTimestamp(4, Timestamp.from(now));
      List<IpBlock> lifted = list(ps);
      return lifted.stream().findFirst();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot lift block: " + e.getMessage(), e);
    }
  }

  private void closeExpired(Connection c, String ip, Instant now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE ip_block SET lifted_at = expires_at, lifted_by = 'expired' WHERE ip = ? AND"
                + " lifted_at IS NULL AND expires_at <= ?")) {
      ps.setString(1, ip);
      ps.setTimestamp(2, Timestamp.from(now));
      ps.executeUpdate();
    }
  }

  private Optional<IpBlock> findOpen(Connection c, String ip) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + COLUMNS + " FROM ip_block WHERE ip = ? AND lifted_at IS NULL")) {
      ps.setString(1, ip);
      return list(ps).stream().findFirst();
    }
  }

  private List<IpBlock> list(PreparedStatement ps) throws SQLException {
    List<IpBlock> blocks = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        blocks.add(read(rs));
      }
    }
    return blocks;
  }

  private IpBlock read(ResultSet rs) throws SQLException {
    Timestamp lifted = rs.getTimestamp(10);
    return new IpBlock(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getTimestamp(6).toInstant(),
        rs.getTimestamp(7).toInstant(),
        rs.getInt(8),
        rs.getBoolean(9),
        lifted == null ? null : lifted.toInstant(),
        rs.getString(11),
        evidence.read(rs.getString(12)));
  }
}
