package health.clinicalops.auditkeeper.service;

import health.clinicalops.auditkeeper.config.AuditKeeperConfig;
import health.clinicalops.auditkeeper.domain.AuditEventPage;
import health.clinicalops.auditkeeper.domain.AuditRecord;
import health.clinicalops.auditkeeper.domain.StoredAuditEvent;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plain JDBC access to the app's "AuditLog". Writes are multi-row INSERTs in one transaction; the
 * database's trigger hands out sequence numbers and hashes. A transaction-scoped advisory lock
 * serialises writers across pods so the check for already stored ids (idempotency) and the insert
 * see the same table.
 */
@ApplicationScoped
public class AuditLogRepository {

  /** Key of the advisory lock all audit-keeper writers take (any constant works). */
  static final long WRITER_LOCK = 0x417564_69744c6fL;

  /** Tries of one write while the connections it gets turn out dead (after a server restart). */
  private static final int ATTEMPTS_ON_DEAD_CONNECTIONS = 3;

  static final String COLUMNS =
      "\"seq\", \"id\", \"userId\", \"action\", \"details\"::text, \"timestamp\", \"ipAddress\","
          + " \"prevHash\", \"hash\", \"recordedAt\"";

  private final AgroalDataSource dataSource;
  private final AuditKeeperConfig config;

  AuditLogRepository(AgroalDataSource dataSource, AuditKeeperConfig config) {
    this.dataSource = dataSource;
    this.config = config;
  }

  /**
   * Stores {@code records} in order in one transaction, skipping ids already stored and repeated
   * ids. Returns how many rows were inserted. Throws when nothing was committed, also when the
   * database has not answered within {@code database.write-timeout}.
   */
  public int insert(List<AuditRecord> records) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        return insertOnce(records);
      } catch (SQLException e) {
        if (attempt == ATTEMPTS_ON_DEAD_CONNECTIONS || !SqlFailures.isDeadPooledConnection(e)) {
          throw e;
        }
        // The pool does not validate on borrow (a hung database would cost each idle connection
        // its validation timeout): after a restart its connections are dead, so drop the idle ones
        // and try again; one in use elsewhere meanwhile may come back dead too, hence a few tries.
        // Idempotent: ids already stored are skipped.
        dataSource.flush(AgroalDataSource.FlushMode.IDLE);
      }
    }
  }

  private int insertOnce(List<AuditRecord> records) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return NetworkTimeout.within(c, config.database().writeTimeout(), w -> insert(w, records));
    }
  }

  private int insert(Connection c, List<AuditRecord> records) throws SQLException {
    c.setAutoCommit(false);
    try {
      try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        lock.setLong(1, WRITER_LOCK);
        lock.execute();
      }
      List<AuditRecord> fresh = withoutStored(c, records);
      int chunk = Math.max(1, config.database().insertChunkSize());
      for (int from = 0; from < fresh.size(); from += chunk) {
        insertChunk(c, fresh.subList(from, Math.min(fresh.size(), from + chunk)));
      }
      c.commit();
      return fresh.size();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    }
  }

  /**
   * The records whose ids are not stored yet, each id once (the first of a batch wins): a client
   * that retried during an outage leaves two copies of one event in the spool, and the primary key
   * would refuse the whole batch on every replay.
   */
  private List<AuditRecord> withoutStored(Connection c, List<AuditRecord> records)
      throws SQLException {
    Map<String, AuditRecord> firstById = new LinkedHashMap<>();
    for (AuditRecord r : records) {
      firstById.putIfAbsent(r.id(), r);
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT \"id\" FROM \"AuditLog\" WHERE \"id\" = ANY (?)")) {
      ps.setArray(1, c.createArrayOf("text", firstById.keySet().toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          firstById.remove(rs.getString(1));
        }
      }
    }
    return List.copyOf(firstById.values());
  }

  private static void insertChunk(Connection c, List<AuditRecord> chunk) throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "INSERT INTO \"AuditLog\" (\"id\", \"userId\", \"action\", \"details\", \"timestamp\","
                + " \"ipAddress\") VALUES ");
    for (int i = 0; i < chunk.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?::jsonb, ?, ?)");
    }
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int p = 1;
      for (AuditRecord r : chunk) {
        ps.setString(p++, r.id());
        ps.setString(p++, r.userId());
        ps.setString(p++, r.action());
        ps.setString(p++, r.detailsJson());
        ps.setObject(p++, OffsetDateTime.ofInstant(r.timestamp(), ZoneOffset.UTC));
        ps.setString(p++, r.ipAddress());
      }
      ps.executeUpdate();
    }
  }

  /** One page of rows matching the filters (each optional), oldest first by sequence. */
  public AuditEventPage search(
      String userId, String action, Instant from, Instant to, int page, int size)
      throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM \"AuditLog\" WHERE true");
    List<Object> params = new ArrayList<>();
    if (userId != null) {
      sql.append(" AND \"userId\" = ?");
      params.add(userId);
    }
    if (action != null) {
      sql.append(" AND \"action\" = ?");
      params.add(action);
    }
    if (from != null) {
      sql.append(" AND \"timestamp\" >= ?");
      params.add(OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
    }
    if (to != null) {
      sql.append(" AND \"timestamp\" < ?");
      params.add(OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
    }
    sql.append(" ORDER BY \"seq\" LIMIT ? OFFSET ?");
    params.add(size + 1);
    params.add((long) page * size);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      List<StoredAuditEvent> items = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          items.add(row(rs));
        }
      }
      boolean more = items.size() > size;
      return new AuditEventPage(page, size, more, more ? items.subList(0, size) : items);
    }
  }

  public Optional<StoredAuditEvent> find(String id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT " + COLUMNS + " FROM \"AuditLog\" WHERE \"id\" = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  /** Size of the current database in bytes (runbook step 3). */
  public long databaseSize() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static StoredAuditEvent row(ResultSet rs) throws SQLException {
    return new StoredAuditEvent(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getObject(6, OffsetDateTime.class).toInstant(),
        rs.getString(7),
        rs.getString(8),
        rs.getString(9),
        rs.getObject(10, OffsetDateTime.class).toInstant());
  }

  static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is broken; the transaction is gone with it.
    }
  }
}
