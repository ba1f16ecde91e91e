package health.clinicalops.rollbackorchestrator.rollback.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A rollback of one Deployment, persisted after every step so it resumes after a crash. */
@Entity
@Table(name = "rollback")
public class Rollback extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  public String deployment;

  public String namespace;

  @Enumerated(EnumType.STRING)
  public RollbackKind kind;

  @Column(name = "from_revision")
  public long fromRevision;

  @Column(name = "to_revision")
  public long toRevision;

  public String reason;

  @Column(name = "dry_run")
  public boolean dryRun;

  /** Asked for by a service (counts against the hourly limit of automatic rollbacks). */
  public boolean automatic;

  @Column(name = "requested_by")
  public String requestedBy;

  @Column(name = "approved_by")
  public String approvedBy;

  @Enumerated(EnumType.STRING)
  public RollbackStatus status;

  /** The step to run next; the state machine resumes here. */
  @Enumerated(EnumType.STRING)
  @Column(name = "next_step")
  public RollbackStepName nextStep;

  @Column(name = "restore_backup")
  public String restoreBackup;

  @Column(name = "restore_point_in_time")
  public Instant restorePointInTime;

  @Column(name = "backup_path")
  public String backupPath;

  @Column(name = "backup_size")
  public Long backupSize;

  /** Row counts when the backup of the current state was taken (JSON). */
  @Column(name = "row_counts_before")
  public String rowCountsBefore;

  /** Row counts after the restore (JSON). */
  @Column(name = "row_counts_after")
  public String rowCountsAfter;

  @Column(name = "incident_id")
  public Long incidentId;

  public String error;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "updated_at")
  public Instant updatedAt;

  @Column(name = "heartbeat_at")
  public Instant heartbeatAt;

  @Column(name = "finished_at")
  public Instant finishedAt;

  /**
   * When the rollbacks of {@code deployment} created after {@code since} that count for the
   * cooldown (not dry runs, not rejected) were created, leaving out {@code exceptId} (the one being
   * approved).
   */
  public static List<Instant> createdAfterForCooldown(
      String namespace, String deployment, Instant since, long exceptId) {
    return getEntityManager()
        .createQuery(
            "select createdAt from Rollback where namespace = ?1 and deployment = ?2"
                + " and createdAt > ?3 and dryRun = false and status <> ?4 and id <> ?5",
            Instant.class)
        .setParameter(1, namespace)
        .setParameter(2, deployment)
        .setParameter(3, since)
        .setParameter(4, RollbackStatus.REJECTED)
        .setParameter(5, exceptId)
        .getResultList();
  }

  /** When the automatic (service-requested) rollbacks created after {@code since} were created. */
  public static List<Instant> automaticCreatedAfter(Instant since, long exceptId) {
    return getEntityManager()
        .createQuery(
            "select createdAt from Rollback where automatic = true and createdAt > ?1"
                + " and dryRun = false and status <> ?2 and id <> ?3",
            Instant.class)
        .setParameter(1, since)
        .setParameter(2, RollbackStatus.REJECTED)
        .setParameter(3, exceptId)
        .getResultList();
  }

  /**
   * The backup files rollbacks that wait or run still need: their restore source and the dump of
   * the state before them.
   */
  public static Set<String> backupsInUse() {
    Set<String> names = new HashSet<>();
    List<Rollback> active =
        list("status in ?1", List.of(RollbackStatus.AWAITING_APPROVAL, RollbackStatus.RUNNING));
    for (Rollback r : active) {
      if (r.restoreBackup != null) {
        names.add(r.restoreBackup);
      }
      if (r.backupPath != null) {
        names.add(java.nio.file.Path.of(r.backupPath).getFileName().toString());
      }
    }
    return names;
  }

  /** A database rollback other than {@code exceptId} that waits for approval or runs. */
  public static Optional<Rollback> activeDatabaseRollback(long exceptId) {
    return find(
            "kind = ?1 and status in ?2 and id <> ?3 order by id",
            RollbackKind.WITH_DATABASE,
            List.of(RollbackStatus.AWAITING_APPROVAL, RollbackStatus.RUNNING),
            exceptId)
        .firstResultOptional();
  }

  public static List<Rollback> ofDeployment(String deployment, int limit) {
    return find("deployment = ?1 order by createdAt desc, id desc", deployment)
        .page(0, limit)
        .list();
  }

  public static List<Rollback> recent(int limit) {
    return find("order by createdAt desc, id desc").page(0, limit).list();
  }

  /** Running rollbacks nobody has heartbeated for since {@code staleBefore}, locked. */
  @SuppressWarnings("unchecked")
  public static List<Rollback> lockStaleRunning(Instant staleBefore, int limit) {
    return getEntityManager()
        .createNativeQuery(
            "SELECT * FROM rollback_orchestrator.rollback WHERE status = 'RUNNING'"
                + " AND (heartbeat_at IS NULL OR heartbeat_at < :stale)"
                + " ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED",
            Rollback.class)
        .setParameter("stale", staleBefore)
        .setParameter("limit", limit)
        .getResultList();
  }
}
