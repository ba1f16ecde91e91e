package health.clinicalops.errorwatch.service;

import static health.clinicalops.errorwatch.service.AlertStore.instant;
import static health.clinicalops.errorwatch.service.AlertStore.timestamp;

import health.clinicalops.errorwatch.domain.Deploy;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The deploys of the clinical app, learned from the cluster and from the API, in PostgreSQL. */
@ApplicationScoped
public class DeployRegistry {

  private static final String COLUMNS =
      "id, app, image, revision, release, previous_revision, deployed_at, source";

  private final AgroalDataSource dataSource;

  DeployRegistry(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Records {@code deploy}; the same app and revision twice is one deploy (the first kept). */
  public Deploy record(Deploy deploy) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO error_watch.deploy ("
                    + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (app, revision) DO NOTHING")) {
      s.setObject(1, deploy.id());
      s.setString(2, deploy.app());
      s.setString(3, deploy.image());
      s.setString(4, deploy.revision());
      s.setString(5, deploy.release());
      s.setString(6, deploy.previousRevision());
      s.setTimestamp(7, timestamp(deploy.deployedAt()));
      s.setString(8, deploy.source());
      if (s.executeUpdate() == 0 && deploy.revision() != null) {
        return findByRevision(deploy.app(), deploy.revision()).orElse(deploy);
      }
      return deploy;
    }
  }

  public Optional<Deploy> find(UUID id) throws SQLException {
    return one("SELECT " + COLUMNS + " FROM error_watch.deploy WHERE id = ?", id);
  }

  Optional<Deploy> findByRevision(String app, String revision) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT " + COLUMNS + " FROM error_watch.deploy WHERE app = ? AND revision = ?")) {
      s.setString(1, app);
      s.setString(2, revision);
      List<Deploy> found = list(s);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  /** The latest deploy at or before {@code at} and no earlier than {@code notBefore}. */
  public Optional<Deploy> latestBetween(Instant notBefore, Instant at) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + " FROM error_watch.deploy WHERE deployed_at >= ? AND deployed_at <= ?"
                    + " ORDER BY deployed_at DESC LIMIT 1")) {
      s.setTimestamp(1, timestamp(notBefore));
      s.setTimestamp(2, timestamp(at));
      List<Deploy> found = list(s);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  /** The most recent deploys, newest first. */
  public List<Deploy> recent(int limit) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + " FROM error_watch.deploy ORDER BY deployed_at DESC LIMIT ?")) {
      s.setInt(1, limit);
      return list(s);
    }
  }

  /** The newest deploy of {@code app}, if any. */
  public Optional<Deploy> latestOf(String app) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT "
                    + COLUMNS
                    + " FROM error_watch.deploy WHERE app = ? ORDER BY deployed_at DESC LIMIT 1")) {
      s.setString(1, app);
      List<Deploy> found = list(s);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  private Optional<Deploy> one(String sql, UUID id) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, id);
      List<Deploy> found = list(s);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  private static List<Deploy> list(PreparedStatement s) throws SQLException {
    List<Deploy> deploys = new ArrayList<>();
    try (ResultSet r = s.executeQuery()) {
      while (r.next()) {
        deploys.add(
            new Deploy(
                r.getObject(1, UUID.class),
                r.getString(2),
                r.getString(3),
                r.getString(4),
                r.getString(5),
                r.getString(6),
                instant(r.getTimestamp(7)),
                r.getString(8)));
      }
    }
    return deploys;
  }
}
