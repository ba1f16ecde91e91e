package health.clinicalops.rollbackorchestrator.rollback.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.opskit.clients.AuditTrail;
import health.clinicalops.opskit.clients.RollbackRequest;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.evidence.RollbackEvidence;
import health.clinicalops.opskit.journal.RunbookJournal;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.rollbackorchestrator.common.Actor;
import health.clinicalops.rollbackorchestrator.common.NoteRequest;
import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import health.clinicalops.rollbackorchestrator.incident.domain.Incident;
import health.clinicalops.rollbackorchestrator.rollback.domain.Rollback;
import health.clinicalops.rollbackorchestrator.rollback.domain.RollbackKind;
import health.clinicalops.rollbackorchestrator.rollback.domain.RollbackStatus;
import health.clinicalops.rollbackorchestrator.rollback.domain.RollbackStep;
import health.clinicalops.rollbackorchestrator.rollback.domain.RollbackStepName;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rollback requests and their guardrails: release choice (last stable before the bad one, never
 * past the oldest stable), schema-version check, cooldown per Deployment, an hourly limit of
 * automatic rollbacks, {@code recommend} vs {@code auto}, dry runs.
 */
@ApplicationScoped
public class RollbackService {

  /** No rollback to leave out of a guardrail count (ids start at 1). */
  private static final long NONE = 0;

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final ReleaseHistory history;
  private final AppDatabase database;
  private final DatabaseBackups backups;
  private final RollbackRunner runner;
  private final RunbookJournal journal;
  private final AuditTrail audit;
  private final OrchestratorConfig config;
  private final KubernetesClient client;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final RollbackGuardrails guardrails;

  RollbackService(
      ReleaseHistory history,
      AppDatabase database,
      DatabaseBackups backups,
      RollbackRunner runner,
      RunbookJournal journal,
      AuditTrail audit,
      OrchestratorConfig config,
      KubernetesClient client,
      ObjectMapper mapper,
      Clock clock) {
    this.history = history;
    this.database = database;
    this.backups = backups;
    this.runner = runner;
    this.journal = journal;
    this.audit = audit;
    this.config = config;
    this.client = client;
    this.mapper = mapper;
    this.clock = clock;
    this.guardrails =
        new RollbackGuardrails(
            config.rollback().cooldown(), config.rollback().maxAutomaticPerHour());
  }

  public String namespace() {
    return config.rollback().namespace().orElseGet(client::getNamespace);
  }

  /** Checks the request against the guardrails, records it, and starts it when it may run. */
  public RollbackView request(@NotNull @Valid RollbackRequest request, @NotNull Actor actor) {
    checkTarget(request.deployment());
    String namespace = namespace();
    ReleaseHistory.History releases = releasesOf(namespace, request.deployment());
    RollbackKind kind =
        request.database() == null ? RollbackKind.CODE_ONLY : RollbackKind.WITH_DATABASE;
    Release current = currentRelease(releases, request.deployment());
    Release target = chooseTarget(releases, request.toRevision());
    List<String> notes = new java.util.ArrayList<>();
    if (kind == RollbackKind.CODE_ONLY) {
      checkSchemaVersion(current, target, notes);
    } else {
      checkDatabaseRequest(request.database());
    }
    boolean automatic = !actor.person();
    Optional<String> waitsBecause =
        RollbackApproval.reasonToWait(request, kind, actor.person(), config.rollback().mode());
    boolean starts = waitsBecause.isEmpty();
    Long id =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  lock(namespace, request.deployment(), kind);
                  Instant now = Instant.now(clock);
                  if (!request.isDryRun()) {
                    checkCooldown(namespace, request.deployment(), now, NONE);
                    if (automatic) {
                      checkHourlyLimit(now, NONE);
                    }
                    if (kind == RollbackKind.WITH_DATABASE) {
                      checkNoOtherDatabaseRollback(NONE);
                    }
                  }
                  Rollback rollback = new Rollback();
                  rollback.deployment = request.deployment();
                  rollback.namespace = namespace;
                  rollback.kind = kind;
                  rollback.fromRevision = current.revision();
                  rollback.toRevision = target.revision();
                  rollback.reason = request.reason();
                  rollback.dryRun = request.isDryRun();
                  rollback.automatic = automatic;
                  rollback.requestedBy = actor.name();
                  if (request.database() != null) {
                    rollback.restoreBackup = request.database().backup();
                    rollback.restorePointInTime = request.database().pointInTime();
                  }
                  rollback.createdAt = now;
                  rollback.updatedAt = now;
                  rollback.nextStep = RollbackStepName.sequence(kind).get(0);
                  if (request.isDryRun()) {
                    rollback.status = RollbackStatus.PLANNED;
                    rollback.nextStep = null;
                    rollback.finishedAt = now;
                  } else if (starts) {
                    rollback.status = RollbackStatus.RUNNING;
                    rollback.heartbeatAt = now;
                  } else {
                    rollback.status = RollbackStatus.AWAITING_APPROVAL;
                  }
                  rollback.persist();
                  String plan =
                      kind
                          + " of "
                          + request.deployment()
                          + " from revision "
                          + current.revision()
                          + " "
                          + current.images()
                          + " to "
                          + target.revision()
                          + " "
                          + target.images()
                          + "; steps "
                          + RollbackStepName.sequence(kind);
                  RollbackStep.of(rollback.id, "PLAN", "planned", plan, now).persist();
                  for (String note : notes) {
                    RollbackStep.of(rollback.id, "PLAN", "note", note, now).persist();
                  }
                  if (rollback.status == RollbackStatus.AWAITING_APPROVAL) {
                    RollbackStep.of(
                            rollback.id,
                            "APPROVAL",
                            "awaiting",
                            waitsBecause.orElseThrow()
                                + ": an operator approves with POST /api/v1/rollbacks/"
                                + rollback.id
                                + "/approve",
                            now)
                        .persist();
                  }
                  return rollback.id;
                });
    Map<String, Object> details = new HashMap<>();
    details.put("rollbackId", id);
    details.put("deployment", request.deployment());
    details.put("kind", kind.name());
    details.put("fromRevision", current.revision());
    details.put("toRevision", target.revision());
    details.put("dryRun", request.isDryRun());
    details.put("reason", request.reason());
    audit.record(actor.name(), "rollback.requested", details);
    if (!request.isDryRun()) {
      openIncident(id, request, current, target, kind, actor);
    }
    if (starts && !request.isDryRun()) {
      runner.start(id);
    }
    return find(id).orElseThrow();
  }

  private void openIncident(
      long id,
      RollbackRequest request,
      Release current,
      Release target,
      RollbackKind kind,
      Actor actor) {
    String key = journal.dedupKey("rollback", id);
    journal
        .incident(
            key,
            Severity.P2,
            "Rollback of " + request.deployment() + " to revision " + target.revision(),
            RollbackEvidence.requested(
                id,
                request.deployment(),
                current.revision(),
                target.revision(),
                kind.name(),
                request.reason()))
        .step("rollback.accepted", "requested by " + actor.name() + ": " + request.reason());
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              Rollback rollback = Rollback.findById(id);
              rollback.incidentId = Incident.findOpenByDedupKey(key).map(i -> i.id).orElse(null);
            });
  }

  /**
   * A person approves a waiting rollback. The guardrails are checked again first, since time has
   * passed: the Deployment must still be at the revision the plan starts from, the target's schema
   * version must still match (code-only), and the cooldown, the hourly limit of automatic rollbacks
   * and the one-database-rollback-at-a-time rule must still allow it.
   */
  public Optional<RollbackView> approve(long id, @NotNull Actor actor) {
    Optional<Rollback> waiting =
        QuarkusTransaction.requiringNew().call(() -> Rollback.findByIdOptional(id));
    if (waiting.isEmpty()) {
      return Optional.empty();
    }
    Rollback plan = waiting.get();
    requireAwaitingApproval(plan);
    checkTarget(plan.deployment);
    List<String> notes = new java.util.ArrayList<>();
    ReleaseHistory.History releases = releasesOf(plan.namespace, plan.deployment);
    refuseUnless(
        RollbackGuardrails.stillAtPlannedRevision(
            plan.deployment, releases.currentRevision(), plan.fromRevision));
    Release target =
        releases
            .release(plan.toRevision)
            .orElseThrow(
                () ->
                    ProblemException.conflict(
                        "revision " + plan.toRevision + " is no longer in the release history"));
    if (plan.kind == RollbackKind.CODE_ONLY) {
      checkSchemaVersion(currentRelease(releases, plan.deployment), target, notes);
    }
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              lock(plan.namespace, plan.deployment, plan.kind);
              Rollback rollback = Rollback.findById(id);
              requireAwaitingApproval(rollback);
              Instant now = Instant.now(clock);
              checkCooldown(rollback.namespace, rollback.deployment, now, id);
              if (rollback.automatic) {
                checkHourlyLimit(now, id);
              }
              if (rollback.kind == RollbackKind.WITH_DATABASE) {
                checkNoOtherDatabaseRollback(id);
              }
              rollback.status = RollbackStatus.RUNNING;
              rollback.approvedBy = actor.name();
              rollback.heartbeatAt = now;
              rollback.updatedAt = now;
              for (String note : notes) {
                RollbackStep.of(id, "APPROVAL", "note", note, now).persist();
              }
              RollbackStep.of(id, "APPROVAL", "approved", "by " + actor.name(), now).persist();
            });
    audit.record(actor.name(), "rollback.approved", Map.of("rollbackId", id));
    runner.start(id);
    return find(id);
  }

  private static void requireAwaitingApproval(Rollback rollback) {
    if (rollback.status != RollbackStatus.AWAITING_APPROVAL) {
      throw ProblemException.conflict(
          "rollback " + rollback.id + " is " + rollback.status + ", not awaiting approval");
    }
  }

  /** A person declines a recommended rollback. */
  @Transactional
  public Optional<RollbackView> reject(long id, @NotNull @Valid NoteRequest note, Actor actor) {
    Rollback rollback = Rollback.findById(id);
    if (rollback == null) {
      return Optional.empty();
    }
    requireAwaitingApproval(rollback);
    Instant now = Instant.now(clock);
    rollback.status = RollbackStatus.REJECTED;
    rollback.nextStep = null;
    rollback.approvedBy = actor.name();
    rollback.finishedAt = now;
    rollback.updatedAt = now;
    RollbackStep.of(
            id,
            "APPROVAL",
            "rejected",
            "by " + actor.name() + (note.note() == null ? "" : ": " + note.note()),
            now)
        .persist();
    audit.record(actor.name(), "rollback.rejected", Map.of("rollbackId", id));
    return Optional.of(view(rollback));
  }

  @Transactional
  public Optional<RollbackView> find(long id) {
    return Rollback.<Rollback>findByIdOptional(id).map(this::view);
  }

  @Transactional
  public List<RollbackView> list(Optional<String> deployment, int limit) {
    return deployment
        .map(d -> Rollback.ofDeployment(d, limit))
        .orElseGet(() -> Rollback.recent(limit))
        .stream()
        .map(this::view)
        .toList();
  }

  /** The release history of a Deployment (404 when unknown). */
  public List<ReleaseView> releases(String deployment) {
    ReleaseHistory.History h = releasesOf(namespace(), deployment);
    return h.releases().stream()
        .map(
            r ->
                new ReleaseView(
                    r.revision(),
                    r.replicaSet(),
                    r.images(),
                    r.stable(),
                    r.schemaVersion().orElse(null),
                    r.revision() == h.currentRevision()))
        .toList();
  }

  private ReleaseHistory.History releasesOf(String namespace, String deployment) {
    try {
      return history
          .of(namespace, deployment)
          .orElseThrow(
              () ->
                  ProblemException.notFound(
                      "no Deployment " + deployment + " in namespace " + namespace));
    } catch (KubernetesClientException e) {
      throw ProblemException.unavailable(
          "the cluster API failed: " + e.getMessage(), Duration.ofSeconds(10));
    }
  }

  private static Release currentRelease(ReleaseHistory.History releases, String deployment) {
    return releases
        .current()
        .orElseThrow(
            () ->
                ProblemException.conflict(
                    "Deployment "
                        + deployment
                        + " has no ReplicaSet for its current revision "
                        + releases.currentRevision()));
  }

  private static Release chooseTarget(ReleaseHistory.History releases, Long toRevision) {
    RollbackGuardrails.TargetChoice choice = RollbackGuardrails.chooseTarget(releases, toRevision);
    if (choice instanceof RollbackGuardrails.TargetChoice.Unknown unknown) {
      throw ProblemException.notFound(unknown.reason());
    }
    if (choice instanceof RollbackGuardrails.TargetChoice.Refused refused) {
      throw ProblemException.conflict(refused.reason());
    }
    return ((RollbackGuardrails.TargetChoice.Chosen) choice).release();
  }

  private void checkSchemaVersion(Release current, Release target, List<String> notes) {
    Optional<String> databaseVersion;
    String source;
    if (config.rollback().databaseSchemaVersion().isPresent()) {
      databaseVersion = config.rollback().databaseSchemaVersion();
      source = "setting database-schema-version";
    } else if (config.rollback().schemaVersionQuery().isPresent()) {
      try {
        databaseVersion = database.schemaVersion();
      } catch (DatabaseStepFailed e) {
        throw ProblemException.unavailable(e.getMessage(), Duration.ofSeconds(10));
      }
      source = "schema-version-query";
    } else {
      databaseVersion = current.schemaVersion();
      source = "the current release's " + Release.SCHEMA_VERSION_ANNOTATION;
    }
    RollbackGuardrails.SchemaCheck check =
        RollbackGuardrails.schemaVersion(databaseVersion, source, target);
    refuseUnless(check.verdict());
    notes.add(check.note());
  }

  private void checkDatabaseRequest(RollbackRequest.DatabaseRestore restore) {
    if (!database.isConfigured()) {
      throw ProblemException.conflict(
          "the app database is not configured"
              + " (clinicalops.rollback-orchestrator.database-rollback.jdbc-url)");
    }
    if (config.databaseRollback().restoreMethod() == OrchestratorConfig.RestoreMethod.HTTP_HOOK) {
      if (restore.pointInTime() == null) {
        throw ProblemException.badRequest("database.pointInTime is required (restore by hook)");
      }
    } else {
      if (restore.backup() == null
          || !DatabaseBackups.BACKUP_NAME.matcher(restore.backup()).matches()) {
        throw ProblemException.badRequest("database.backup must name a pre-deploy backup");
      }
      if (!backups.backupExists(restore.backup())) {
        throw ProblemException.notFound("no backup named " + restore.backup());
      }
    }
  }

  /**
   * Serializes the guardrail checks of one Deployment, and of database rollbacks on one database
   * (two Deployments may share it), across transactions and replicas.
   */
  private void lock(String namespace, String deployment, RollbackKind kind) {
    advisoryLock("rollback:" + namespace + "/" + deployment);
    if (kind == RollbackKind.WITH_DATABASE) {
      advisoryLock("rollback-database:" + database.identity());
    }
  }

  private static void advisoryLock(String key) {
    Rollback.getEntityManager()
        .createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(:key))")
        .setParameter("key", key)
        .getSingleResult();
  }

  private static void checkNoOtherDatabaseRollback(long exceptId) {
    Rollback.activeDatabaseRollback(exceptId)
        .ifPresent(
            other -> {
              throw ProblemException.conflict(
                  "database rollback "
                      + other.id
                      + " of "
                      + other.deployment
                      + " is "
                      + other.status
                      + ": one database rollback at a time");
            });
  }

  /** 403: the Deployment is not one this service may patch (RBAC says the same). */
  private void checkTarget(String deployment) {
    RollbackGuardrails.target(deployment, config.rollback().targets().orElse(List.of()))
        .refusal()
        .ifPresent(
            reason -> {
              throw ProblemException.forbidden(reason);
            });
  }

  private void checkCooldown(String namespace, String deployment, Instant now, long exceptId) {
    List<Instant> recent =
        Rollback.createdAfterForCooldown(
            namespace, deployment, guardrails.cooldownStart(now), exceptId);
    refuseUnless(guardrails.cooldown(deployment, recent, now));
  }

  private void checkHourlyLimit(Instant now, long exceptId) {
    List<Instant> automatic =
        Rollback.automaticCreatedAfter(guardrails.hourlyLimitStart(now), exceptId);
    refuseUnless(guardrails.hourlyLimit(automatic, now));
  }

  private static void refuseUnless(RollbackGuardrails.Verdict verdict) {
    verdict
        .refusal()
        .ifPresent(
            reason -> {
              throw ProblemException.conflict(reason);
            });
  }

  RollbackView view(Rollback r) {
    return new RollbackView(
        r.id,
        r.deployment,
        r.namespace,
        r.kind,
        r.fromRevision,
        r.toRevision,
        r.reason,
        r.dryRun,
        r.automatic,
        r.requestedBy,
        r.approvedBy,
        r.status,
        r.nextStep,
        r.restoreBackup,
        r.restorePointInTime,
        r.backupPath,
        r.backupSize,
        json(r.rowCountsBefore),
        json(r.rowCountsAfter),
        r.incidentId,
        r.error,
        r.createdAt,
        r.updatedAt,
        r.finishedAt,
        RollbackStep.ofRollback(r.id).stream()
            .map(s -> new RollbackView.Step(s.name, s.outcome, s.detail, s.at))
            .toList());
  }

  private Map<String, Object> json(String text) {
    if (text == null) {
      return null;
    }
    try {
      return mapper.readValue(text, MAP);
    } catch (JsonProcessingException e) {
      return Map.of("unreadable", text);
    }
  }
}
