package health.clinicalops.rollbackorchestrator.rollback.service;

import health.clinicalops.rollbackorchestrator.config.OrchestratorConfig;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * Rolls a Deployment to a release through the cluster API, the way {@code kubectl rollout undo}
 * does: the target ReplicaSet's pod template (without its {@code pod-template-hash}) becomes the
 * Deployment's; then the rollout is watched to completion and the app's health checked.
 */
@ApplicationScoped
public class DeploymentRollout {

  private final DeploymentCalls calls;
  private final OrchestratorConfig.Rollback config;
  private final Clock clock;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  DeploymentRollout(DeploymentCalls calls, OrchestratorConfig config, Clock clock) {
    this.calls = calls;
    this.config = config.rollback();
    this.clock = clock;
  }

  /** A step that did not work; its message goes to the rollback's steps. */
  public static class RolloutFailed extends Exception {
    public RolloutFailed(String message) {
      super(message);
    }
  }

  /** Patches the pod template; returns the Deployment's generation after the patch. */
  public long deploy(String namespace, String deployment, Release target, long rollbackId)
      throws RolloutFailed {
    PodTemplateSpec template = new PodTemplateSpecBuilder(target.template()).build();
    ObjectMeta meta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    if (meta.getLabels() != null) {
      Map<String, String> labels = new HashMap<>(meta.getLabels());
      labels.remove("pod-template-hash");
      meta.setLabels(labels);
    }
    template.setMetadata(meta);
    Deployment patched =
        calls.edit(
            namespace,
            deployment,
            d ->
                new DeploymentBuilder(d)
                    .editSpec()
                    .withTemplate(template)
                    .endSpec()
                    .editMetadata()
                    .addToAnnotations("clinical-ops/rollback-id", String.valueOf(rollbackId))
                    .addToAnnotations(
                        "kubernetes.io/change-cause",
                        "rollback-orchestrator: rollback "
                            + rollbackId
                            + " to revision "
                            + target.revision())
                    .endMetadata()
                    .build());
    if (patched == null) {
      throw new RolloutFailed("Deployment " + deployment + " disappeared");
    }
    Long generation = patched.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }

  /**
   * Waits until the Deployment's controller has observed {@code generation} and all replicas run
   * the new template, or fails at the progress deadline (or when the controller reports
   * ProgressDeadlineExceeded).
   */
  public String awaitRollout(String namespace, String deployment, long generation)
      throws RolloutFailed, InterruptedException {
    Instant deadline = Instant.now(clock).plus(config.progressDeadline());
    while (true) {
      Progress progress;
      try {
        progress = progressOf(namespace, deployment, generation);
      } catch (KubernetesClientException | CircuitBreakerOpenException | TimeoutException e) {
        // A cluster-API outage shorter than the deadline does not fail a rollout that is going
        // well.
        progress = new Progress(false, "cluster API not answering: " + e.getMessage());
      }
      if (progress.complete()) {
        return progress.detail();
      }
      if (Instant.now(clock).isAfter(deadline)) {
        throw new RolloutFailed(
            "rollout not complete within the progress deadline "
                + config.progressDeadline()
                + " ("
                + progress.detail()
                + ")");
      }
      Thread.sleep(config.rolloutPollInterval().toMillis());
    }
  }

  private record Progress(boolean complete, String detail) {}

  private Progress progressOf(String namespace, String deployment, long generation)
      throws RolloutFailed {
    Deployment d = calls.deployment(namespace, deployment);
    if (d == null) {
      throw new RolloutFailed("Deployment " + deployment + " disappeared during the rollout");
    }
    DeploymentStatus status = d.getStatus();
    if (status == null) {
      return new Progress(false, "no status yet");
    }
    for (DeploymentCondition c :
        Objects.requireNonNullElse(status.getConditions(), List.<DeploymentCondition>of())) {
      if ("Progressing".equals(c.getType()) && "ProgressDeadlineExceeded".equals(c.getReason())) {
        throw new RolloutFailed("the cluster reports ProgressDeadlineExceeded: " + c.getMessage());
      }
    }
    int wanted = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
    long observed = Objects.requireNonNullElse(status.getObservedGeneration(), 0L);
    int updated = Objects.requireNonNullElse(status.getUpdatedReplicas(), 0);
    int available = Objects.requireNonNullElse(status.getAvailableReplicas(), 0);
    int total = Objects.requireNonNullElse(status.getReplicas(), 0);
    String detail =
        "observedGeneration "
            + observed
            + "/"
            + generation
            + ", updated "
            + updated
            + ", available "
            + available
            + ", total "
            + total
            + " of "
            + wanted;
    boolean complete =
        observed >= generation
            && generation > 0
            && updated >= wanted
            && available >= wanted
            && total <= updated;
    return new Progress(complete, detail);
  }

  /** The runbook's "curl .../api/health": 2xx within a few attempts, or the step fails. */
  public String verifyHealth() throws RolloutFailed, InterruptedException {
    if (config.healthUrl().isEmpty()) {
      return "skipped: no health URL configured (clinicalops.rollback-orchestrator.rollback.health-url)";
    }
    String url = config.healthUrl().get();
    String last = "";
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 == 2) {
          return url + " answered " + response.statusCode();
        }
        last = url + " answered " + response.statusCode();
      } catch (IOException | IllegalArgumentException e) {
        last = url + " unreachable: " + e.getMessage();
      }
      Thread.sleep(config.rolloutPollInterval().toMillis());
    }
    throw new RolloutFailed("health check failed: " + last);
  }
}
