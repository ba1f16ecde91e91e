package health.clinicalops.auditkeeper.service;

import health.clinicalops.auditkeeper.domain.ChainProblem;
import health.clinicalops.auditkeeper.domain.VerificationReport;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks the hash chain of "AuditLog" ("check for any missed audit events"): every row's hash must
 * be the SHA-256 of its content and the previous row's hash (else EDITED), link to the row before
 * it (else OUT_OF_ORDER), and sequence numbers must have no gap that an archive tombstone does not
 * cover (else MISSING). The database computes the expected hashes with the same function its insert
 * trigger uses. Runs in one read-only REPEATABLE READ snapshot.
 */
@ApplicationScoped
public class ChainVerifier {

  public static final String GENESIS = "0".repeat(64);
  static final int MAX_PROBLEMS = 1000;

  record Checkpoint(long firstSeq, long lastSeq, String firstPrevHash, String lastHash) {}

  private final AgroalDataSource dataSource;

  ChainVerifier(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Verifies the rows whose timestamps fall in [from, to) (each bound optional). */
  public VerificationReport verify(Instant from, Instant to) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      try {
        return verify(c, from, to);
      } finally {
        AuditLogRepository.rollbackQuietly(c);
        c.setReadOnly(false);
      }
    }
  }

  private VerificationReport verify(Connection c, Instant from, Instant to) throws SQLException {
    Long lo = from == null ? Long.valueOf(1) : single(c, "min", ">=", from);
    Long hi = to == null ? Long.valueOf(Long.MAX_VALUE) : single(c, "max", "<", to);
    return walk(c, lo, hi, to == null);
  }

  /**
   * Verifies the rows with sequence numbers from {@code lo} to {@code hi} on {@code c}, in its
   * transaction (the archive checks the rows it is about to export and delete).
   */
  public VerificationReport verifySequenceRange(Connection c, long lo, long hi)
      throws SQLException {
    return walk(c, lo, hi, false);
  }

  private VerificationReport walk(Connection c, Long lo, Long hi, boolean toChainHead)
      throws SQLException {
    Map<Long, Checkpoint> checkpoints = checkpoints(c);
    List<ChainProblem> problems = new ArrayList<>();
    if (lo == null || hi == null || lo > hi) {
      return new VerificationReport(true, 0, null, null, 0, problems);
    }
    Walk walk = new Walk(checkpoints, problems);
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT \"seq\", \"hash\" FROM \"AuditLog\" WHERE \"seq\" < ? ORDER BY \"seq\" DESC"
                + " LIMIT 1")) {
      ps.setLong(1, lo);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          walk.prevSeq = rs.getLong(1);
          walk.prevHash = rs.getString(2);
        }
      }
    }
    long rows = 0;
    Long first = null;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT \"seq\", \"id\", \"prevHash\", \"hash\", audit_keeper.row_hash("
                + "audit_keeper.row_content(\"id\", \"userId\", \"action\", \"details\","
                + " \"timestamp\", \"ipAddress\"), \"prevHash\")"
                + " FROM \"AuditLog\" WHERE \"seq\" BETWEEN ? AND ? ORDER BY \"seq\"")) {
      ps.setFetchSize(1000);
      ps.setLong(1, lo);
      ps.setLong(2, hi);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long seq = rs.getLong(1);
          String id = rs.getString(2);
          String prevHash = rs.getString(3);
          String hash = rs.getString(4);
          String expected = rs.getString(5);
          first = first == null ? seq : first;
          rows++;
          walk.row(seq, id, prevHash, hash, expected);
        }
      }
    }
    if (toChainHead) {
      try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT last_seq, last_hash FROM audit_keeper.chain_head WHERE id = 1");
          ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          walk.tail(rs.getLong(1), rs.getString(2));
        }
      }
    }
    return new VerificationReport(
        problems.isEmpty(),
        rows,
        first,
        rows == 0 ? null : walk.prevSeq,
        walk.tombstones,
        problems.size() > MAX_PROBLEMS ? problems.subList(0, MAX_PROBLEMS) : problems);
  }

  /** The walk along the chain, in sequence order. */
  static final class Walk {
    private final Map<Long, Checkpoint> checkpoints;
    private final List<ChainProblem> problems;
    long prevSeq;
    String prevHash = GENESIS;
    long tombstones;

    Walk(Map<Long, Checkpoint> checkpoints, List<ChainProblem> problems) {
      this.checkpoints = checkpoints;
      this.problems = problems;
    }

    void row(long seq, String id, String storedPrev, String hash, String expected) {
      String link = bridge(seq);
      if (link != null && !storedPrev.equals(link)) {
        problems.add(
            new ChainProblem(
                ChainProblem.OUT_OF_ORDER,
                seq,
                seq,
                id,
                "the row does not link to the row before it (moved, reordered, or its"
                    + " predecessor was rewritten)"));
      }
      if (!hash.equals(expected)) {
        problems.add(
            new ChainProblem(
                ChainProblem.EDITED,
                seq,
                seq,
                id,
                "the row's content does not match its hash: it was changed after it was written"));
      }
      prevSeq = seq;
      prevHash = hash;
    }

    void tail(long headSeq, String headHash) {
      if (headSeq <= prevSeq) {
        if (headSeq == prevSeq && !headHash.equals(prevHash)) {
          problems.add(
              new ChainProblem(
                  ChainProblem.OUT_OF_ORDER,
                  prevSeq,
                  prevSeq,
                  null,
                  "the last row is not the chain head recorded at write time"));
        }
        return;
      }
      String link = bridge(headSeq + 1);
      if (link != null && !link.equals(headHash)) {
        problems.add(
            new ChainProblem(
                ChainProblem.OUT_OF_ORDER,
                headSeq,
                headSeq,
                null,
                "the archive tombstones do not end at the chain head"));
      }
    }

    /**
     * Crosses tombstones from {@code prevSeq + 1} up to {@code seq}; returns the hash that row
     * {@code seq} must link to, or null when rows are missing (reported) and no link can be
     * checked.
     */
    private String bridge(long seq) {
      long next = prevSeq + 1;
      String hash = prevHash;
      while (next < seq) {
        Checkpoint cp = checkpoints.get(next);
        if (cp == null) {
          problems.add(
              new ChainProblem(
                  ChainProblem.MISSING,
                  next,
                  seq - 1,
                  null,
                  "rows "
                      + next
                      + ".."
                      + (seq - 1)
                      + " are missing and no archive tombstone covers them (deleted)"));
          return null;
        }
        if (!cp.firstPrevHash().equals(hash)) {
          problems.add(
              new ChainProblem(
                  ChainProblem.OUT_OF_ORDER,
                  cp.firstSeq(),
                  cp.lastSeq(),
                  null,
                  "the archive tombstone does not link to the row before it"));
        }
        tombstones++;
        hash = cp.lastHash();
        next = cp.lastSeq() + 1;
      }
      if (next > seq) {
        problems.add(
            new ChainProblem(
                ChainProblem.OUT_OF_ORDER,
                seq,
                seq,
                null,
                "the row lies inside a range an archive tombstone says was deleted"));
        return null;
      }
      return hash;
    }
  }

  private static Map<Long, Checkpoint> checkpoints(Connection c) throws SQLException {
    Map<Long, Checkpoint> byFirst = new TreeMap<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT first_seq, last_seq, first_prev_hash, last_hash"
                    + " FROM audit_keeper.archive_checkpoint ORDER BY first_seq");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        byFirst.put(
            rs.getLong(1),
            new Checkpoint(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4)));
      }
    }
    return byFirst;
  }

  private static Long single(Connection c, String fn, String op, Instant at) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT " + fn + "(\"seq\") FROM \"AuditLog\" WHERE \"timestamp\" " + op + " ?")) {
      ps.setObject(1, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long v = rs.getLong(1);
        return rs.wasNull() ? null : v;
      }
    }
  }
}
