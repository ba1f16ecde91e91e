package health.clinicalops.errorwatch.service;

import health.clinicalops.errorwatch.domain.AlertState;
import health.clinicalops.errorwatch.domain.AlertStatus;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The alert state and alerts in PostgreSQL (schema {@code error_watch}), so a restart neither drops
 * a firing alert nor fires it again. Plain JDBC: a handful of single-row statements.
 */
@ApplicationScoped
public class AlertStore {

  static final String OVERALL = "overall";

  private final AgroalDataSource dataSource;

  AlertStore(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  public Optional<AlertState> load() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT status, alert_id, pending_since, firing_since, resolve_pending_since,"
                    + " evaluated_through, decided FROM error_watch.alert_state WHERE name = ?")) {
      s.setString(1, OVERALL);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new AlertState(
                AlertStatus.valueOf(r.getString(1)),
                r.getObject(2, UUID.class),
                instant(r.getTimestamp(3)),
                instant(r.getTimestamp(4)),
                instant(r.getTimestamp(5)),
                instant(r.getTimestamp(6)),
                r.getBoolean(7)));
      }
    }
  }

  public void save(AlertState state, Instant now) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO error_watch.alert_state (name, status, alert_id, pending_since,"
                    + " firing_since, resolve_pending_since, evaluated_through, decided,"
                    + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO"
                    + " UPDATE SET status = EXCLUDED.status, alert_id = EXCLUDED.alert_id,"
                    + " pending_since = EXCLUDED.pending_since, firing_since ="
                    + " EXCLUDED.firing_since, resolve_pending_since ="
                    + " EXCLUDED.resolve_pending_since, evaluated_through ="
                    + " EXCLUDED.evaluated_through, decided = EXCLUDED.decided, updated_at ="
                    + " EXCLUDED.updated_at")) {
      s.setString(1, OVERALL);
      s.setString(2, state.status().name());
      s.setObject(3, state.alertId());
      s.setTimestamp(4, timestamp(state.pendingSince()));
      s.setTimestamp(5, timestamp(state.firingSince()));
      s.setTimestamp(6, timestamp(state.resolvePendingSince()));
      s.setTimestamp(7, timestamp(state.evaluatedThrough()));
      s.setBoolean(8, state.decided());
      s.setTimestamp(9, timestamp(now));
      s.executeUpdate();
    }
  }

  /** Stores the state of a newly fired alert and the alert itself, in one transaction. */
  public void fire(AlertState state, double peakRatio, Instant now) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO error_watch.alert (id, spike_started_at, fired_at, peak_ratio)"
                  + " VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
        s.setObject(1, state.alertId());
        s.setTimestamp(2, timestamp(state.pendingSince()));
        s.setTimestamp(3, timestamp(state.firingSince()));
        s.setDouble(4, peakRatio);
        s.executeUpdate();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    }
    save(state, now);
  }

  public void recordDecision(UUID alertId, String cause, String decision, boolean rollback)
      throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE error_watch.alert SET cause = ?, decision = ?, rollback_requested = ?"
                    + " WHERE id = ?")) {
      s.setString(1, cause);
      s.setString(2, decision);
      s.setBoolean(3, rollback);
      s.setObject(4, alertId);
      s.executeUpdate();
    }
  }

  public void resolve(UUID alertId, Instant at) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE error_watch.alert SET resolved_at = ? WHERE id = ? AND resolved_at IS"
                    + " NULL")) {
      s.setTimestamp(1, timestamp(at));
      s.setObject(2, alertId);
      s.executeUpdate();
    }
  }

  /** The alert with {@code id}: its row as a map, for the API. */
  public Optional<Map<String, Object>> find(UUID id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id, spike_started_at, fired_at, resolved_at, peak_ratio, cause, decision,"
                    + " rollback_requested FROM error_watch.alert WHERE id = ?")) {
      s.setObject(1, id);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", r.getObject(1, UUID.class));
        row.put("spikeStartedAt", instant(r.getTimestamp(2)));
        row.put("firedAt", instant(r.getTimestamp(3)));
        row.put("resolvedAt", instant(r.getTimestamp(4)));
        row.put("peakRatio", r.getDouble(5));
        row.put("cause", r.getString(6));
        row.put("decision", r.getString(7));
        row.put("rollbackRequested", r.getBoolean(8));
        return Optional.of(row);
      }
    }
  }

  /** Alerts fired since {@code since} (fired_at, event time). */
  public long countFiredSince(Instant since) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT count(*) FROM error_watch.alert WHERE fired_at >= ?")) {
      s.setTimestamp(1, timestamp(since));
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
