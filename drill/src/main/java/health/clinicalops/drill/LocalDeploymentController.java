package health.clinicalops.drill;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Does what the Deployment controller of a real cluster does, for the app the drill stands in for:
 * a new pod template gets a ReplicaSet with the next revision (an old template's ReplicaSet is
 * reused and renumbered, as on {@code kubectl rollout undo}; a new replica count alone is no new
 * revision), and the rollout completes at once.
 */
final class LocalDeploymentController implements AutoCloseable {

  static final String APP = "clinical-app";
  static final String REVISION = "deployment.kubernetes.io/revision";
  static final String STABLE = "clinical-ops/stable";
  static final String SCHEMA_VERSION = "clinical-ops/schema-version";

  private final KubernetesClient client;
  private final SharedIndexInformer<Deployment> informer;
  private long reconciledGeneration;
  private volatile String runningImage = "";

  LocalDeploymentController(KubernetesClient client) {
    this.client = client;
    this.informer =
        client
            .apps()
            .deployments()
            .inNamespace(LocalCluster.NAMESPACE)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Deployment deployment) {
                    reconcile(deployment);
                  }

                  @Override
                  public void onUpdate(Deployment before, Deployment after) {
                    reconcile(after);
                  }

                  @Override
                  public void onDelete(Deployment deployment, boolean unknown) {}
                });
  }

  /** Deploys {@code image} as the app's next release and waits for its rollout. */
  void deploy(String image, String schemaVersion) {
    Deployment existing = deployments().withName(APP).get();
    if (existing == null) {
      deployments()
          .resource(
              new DeploymentBuilder()
                  .withNewMetadata()
                  .withName(APP)
                  .withNamespace(LocalCluster.NAMESPACE)
                  .endMetadata()
                  .withNewSpec()
                  .withReplicas(3)
                  .withNewSelector()
                  .addToMatchLabels("app", APP)
                  .endSelector()
                  .withNewTemplate()
                  .withNewMetadata()
                  .addToLabels("app", APP)
                  .addToAnnotations(SCHEMA_VERSION, schemaVersion)
                  .endMetadata()
                  .withNewSpec()
                  .addNewContainer()
                  .withName("app")
                  .withImage(image)
                  .endContainer()
                  .endSpec()
                  .endTemplate()
                  .endSpec()
                  .build())
          .create();
    } else {
      retryOnConflict(
          () ->
              deployments()
                  .withName(APP)
                  .edit(
                      d ->
                          new DeploymentBuilder(d)
                              .editSpec()
                              .editTemplate()
                              .editMetadata()
                              .addToAnnotations(SCHEMA_VERSION, schemaVersion)
                              .endMetadata()
                              .editSpec()
                              .editFirstContainer()
                              .withImage(image)
                              .endContainer()
                              .endSpec()
                              .endTemplate()
                              .endSpec()
                              .build()));
    }
    Await.until(Duration.ofSeconds(10), () -> image.equals(currentImage()) && rolledOut());
  }

  /** Marks the ReplicaSet running {@code image} as a known-good release. */
  void markStable(String image) {
    for (ReplicaSet rs : replicaSets()) {
      if (image.equals(imageOf(rs.getSpec().getTemplate()))) {
        annotate(replicaSet(rs.getMetadata().getName()), STABLE, "true");
      }
    }
  }

  /** The image the app's pods run: the new one only once its rollout is done. */
  String runningImage() {
    return runningImage;
  }

  String currentImage() {
    Deployment d = deployments().withName(APP).get();
    return d == null ? "" : imageOf(d.getSpec().getTemplate());
  }

  private boolean rolledOut() {
    Deployment d = deployments().withName(APP).get();
    return d != null
        && d.getStatus() != null
        && Objects.equals(d.getStatus().getObservedGeneration(), d.getMetadata().getGeneration());
  }

  private synchronized void reconcile(Deployment deployment) {
    if (!APP.equals(deployment.getMetadata().getName())) {
      return;
    }
    long generation = Optional.ofNullable(deployment.getMetadata().getGeneration()).orElse(1L);
    // Every write below fires another update event; a generation is rolled out once.
    if (generation <= reconciledGeneration) {
      return;
    }
    reconciledGeneration = generation;
    String image = imageOf(deployment.getSpec().getTemplate());
    List<ReplicaSet> owned = replicaSets();
    Optional<ReplicaSet> latest =
        owned.stream()
            .max(java.util.Comparator.comparingLong(LocalDeploymentController::revisionOf));
    // A change of anything but the pod template (kubectl scale) is no new revision.
    if (latest.isEmpty() || !image.equals(imageOf(latest.get().getSpec().getTemplate()))) {
      long next = latest.map(LocalDeploymentController::revisionOf).orElse(0L) + 1;
      Optional<ReplicaSet> same =
          owned.stream()
              .filter(rs -> image.equals(imageOf(rs.getSpec().getTemplate())))
              .findFirst();
      if (same.isPresent()) {
        annotate(replicaSet(same.get().getMetadata().getName()), REVISION, Long.toString(next));
      } else {
        createReplicaSet(deployment, next);
      }
      annotate(deployments().withName(APP), REVISION, Long.toString(next));
    }
    int replicas = Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(1);
    String rolledOutAt = java.time.Instant.now().toString();
    retryOnConflict(
        () ->
            deployments()
                .withName(APP)
                .editStatus(
                    d ->
                        new DeploymentBuilder(d)
                            .withNewStatus()
                            .withObservedGeneration(generation)
                            .withReplicas(replicas)
                            .withUpdatedReplicas(replicas)
                            .withReadyReplicas(replicas)
                            .withAvailableReplicas(replicas)
                            .addNewCondition()
                            .withType("Progressing")
                            .withStatus("True")
                            .withReason("NewReplicaSetAvailable")
                            .withLastUpdateTime(rolledOutAt)
                            .withLastTransitionTime(rolledOutAt)
                            .endCondition()
                            .endStatus()
                            .build()));
    runningImage = image;
  }

  private void createReplicaSet(Deployment deployment, long revision) {
    Map<String, String> annotations = new HashMap<>();
    annotations.put(REVISION, Long.toString(revision));
    Map<String, String> templateAnnotations =
        Optional.ofNullable(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
            .orElse(Map.of());
    Optional.ofNullable(templateAnnotations.get(SCHEMA_VERSION))
        .ifPresent(v -> annotations.put(SCHEMA_VERSION, v));
    client
        .apps()
        .replicaSets()
        .inNamespace(LocalCluster.NAMESPACE)
        .resource(
            new ReplicaSetBuilder()
                .withNewMetadata()
                .withName(APP + "-r" + revision)
                .withNamespace(LocalCluster.NAMESPACE)
                .addToLabels("app", APP)
                .withAnnotations(annotations)
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion("apps/v1")
                        .withKind("Deployment")
                        .withName(APP)
                        .withUid(deployment.getMetadata().getUid())
                        .withController(true)
                        .build())
                .endMetadata()
                .withNewSpec()
                .withReplicas(deployment.getSpec().getReplicas())
                .withSelector(deployment.getSpec().getSelector())
                .withTemplate(deployment.getSpec().getTemplate())
                .endSpec()
                .build())
        .create();
  }

  private io.fabric8.kubernetes.client.dsl.Resource<ReplicaSet> replicaSet(String name) {
    return client.apps().replicaSets().inNamespace(LocalCluster.NAMESPACE).withName(name);
  }

  /** A JSON merge patch of one annotation: no resourceVersion, so no race to lose. */
  private static void annotate(
      io.fabric8.kubernetes.client.dsl.Resource<?> resource, String key, String value) {
    resource.patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"" + key + "\":\"" + value + "\"}}}");
  }

  /** Re-reads and re-applies an edit that lost a resourceVersion race, as controllers do. */
  private static void retryOnConflict(Runnable edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        edit.run();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  private List<ReplicaSet> replicaSets() {
    return client
        .apps()
        .replicaSets()
        .inNamespace(LocalCluster.NAMESPACE)
        .list()
        .getItems()
        .stream()
        .filter(rs -> rs.getMetadata().getName().startsWith(APP + "-r"))
        .toList();
  }

  private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          Deployment,
          io.fabric8.kubernetes.api.model.apps.DeploymentList,
          io.fabric8.kubernetes.client.dsl.RollableScalableResource<Deployment>>
      deployments() {
    return client.apps().deployments().inNamespace(LocalCluster.NAMESPACE);
  }

  private static long revisionOf(ReplicaSet rs) {
    String value =
        Optional.ofNullable(rs.getMetadata().getAnnotations()).orElse(Map.of()).get(REVISION);
    return value == null ? 0 : Long.parseLong(value);
  }

  private static String imageOf(PodTemplateSpec template) {
    return template.getSpec().getContainers().get(0).getImage();
  }

  @Override
  public void close() {
    informer.close();
  }
}
