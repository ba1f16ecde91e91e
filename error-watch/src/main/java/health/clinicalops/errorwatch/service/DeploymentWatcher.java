package health.clinicalops.errorwatch.service;

import health.clinicalops.errorwatch.config.ErrorWatchConfig;
import health.clinicalops.errorwatch.domain.Deploy;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Learns deploys from the cluster: an informer on each watched Deployment; a change of its {@code
 * deployment.kubernetes.io/revision} is a rollout (image, revision, the revision it replaced, the
 * time it was seen). The revision found at start is recorded with the time of its last rollout
 * condition, so a restart of error-watch does not look like a deploy.
 */
@ApplicationScoped
public class DeploymentWatcher {

  static final String REVISION = "deployment.kubernetes.io/revision";
  private static final Logger LOG = Logger.getLogger(DeploymentWatcher.class);

  private final KubernetesClient client;
  private final ErrorWatchConfig config;
  private final DeployService deploys;
  private final Clock clock;
  private final List<SharedIndexInformer<Deployment>> informers = new ArrayList<>();

  DeploymentWatcher(
      KubernetesClient client, ErrorWatchConfig config, DeployService deploys, Clock clock) {
    this.client = client;
    this.config = config;
    this.deploys = deploys;
    this.clock = clock;
  }

  void start(@Observes StartupEvent startup) {
    if (!config.deploys().watch()) {
      return;
    }
    String namespace = config.deploys().namespace().orElse(client.getNamespace());
    for (String app : config.deploys().watchedApps()) {
      try {
        informers.add(
            client
                .apps()
                .deployments()
                .inNamespace(namespace)
                .withName(app)
                .inform(new Handler(), 0));
      } catch (RuntimeException e) {
        LOG.errorf(
            "error-watch: cannot watch Deployment %s/%s: %s", namespace, app, e.getMessage());
      }
    }
  }

  void stop(@Observes ShutdownEvent shutdown) {
    informers.forEach(SharedIndexInformer::stop);
  }

  /** True when every informer is watching. */
  public boolean watching() {
    return informers.stream().allMatch(SharedIndexInformer::isWatching);
  }

  private final class Handler implements ResourceEventHandler<Deployment> {
    @Override
    public void onAdd(Deployment deployment) {
      String revision = revision(deployment);
      if (revision != null) {
        deploys.learned(deploy(deployment, null, lastRollout(deployment)));
      }
    }

    @Override
    public void onUpdate(Deployment before, Deployment after) {
      String revision = revision(after);
      if (revision != null && !Objects.equals(revision, revision(before))) {
        deploys.learned(deploy(after, revision(before), clock.instant()));
      }
    }

    @Override
    public void onDelete(Deployment deployment, boolean deletedFinalStateUnknown) {
      // A deleted Deployment is no rollout.
    }
  }

  private static Deploy deploy(Deployment d, String previousRevision, Instant at) {
    var containers = d.getSpec().getTemplate().getSpec().getContainers();
    String image = containers.isEmpty() ? null : containers.get(0).getImage();
    var labels =
        d.getSpec().getTemplate().getMetadata() == null
            ? null
            : d.getSpec().getTemplate().getMetadata().getLabels();
    String release = labels == null ? null : labels.get("app.kubernetes.io/version");
    return new Deploy(
        UUID.randomUUID(),
        d.getMetadata().getName(),
        image,
        revision(d),
        release,
        previousRevision,
        at,
        "cluster");
  }

  private static String revision(Deployment d) {
    return d == null || d.getMetadata().getAnnotations() == null
        ? null
        : d.getMetadata().getAnnotations().get(REVISION);
  }

  private Instant lastRollout(Deployment d) {
    if (d.getStatus() != null && d.getStatus().getConditions() != null) {
      for (DeploymentCondition c : d.getStatus().getConditions()) {
        if ("Progressing".equals(c.getType()) && c.getLastUpdateTime() != null) {
          return Instant.parse(c.getLastUpdateTime());
        }
      }
    }
    String created = d.getMetadata().getCreationTimestamp();
    return created == null ? clock.instant() : Instant.parse(created);
  }
}
