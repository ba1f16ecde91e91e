package health.clinicalops.rollbackorchestrator;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.UUID;

/** Deployments with their ReplicaSets in the Kubernetes test server, and a stand-in controller. */
final class ClusterFixtures {

  static final String NAMESPACE = "test";

  private ClusterFixtures() {}

  /** One release: its image, whether it is marked stable, its schema version. */
  record Rev(String image, boolean stable, String schemaVersion) {}

  static PodTemplateSpec template(String name, String image, String hash) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .addToLabels("app", name)
        .addToLabels("pod-template-hash", hash)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  /** A Deployment whose current revision is the last of {@code revs} (1-based revisions). */
  static Deployment deploymentWithRevisions(KubernetesClient client, String name, Rev... revs) {
    Rev current = revs[revs.length - 1];
    PodTemplateSpec currentTemplate = template(name, current.image(), "h" + revs.length);
    currentTemplate.getMetadata().getLabels().remove("pod-template-hash");
    Deployment deployment =
        client
            .apps()
            .deployments()
            .inNamespace(NAMESPACE)
            .resource(
                new DeploymentBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(NAMESPACE)
                    .withUid(UUID.randomUUID().toString())
                    .addToAnnotations(
                        "deployment.kubernetes.io/revision", String.valueOf(revs.length))
                    .endMetadata()
                    .withNewSpec()
                    .withReplicas(2)
                    .withNewSelector()
                    .addToMatchLabels("app", name)
                    .endSelector()
                    .withTemplate(currentTemplate)
                    .endSpec()
                    .build())
            .create();
    for (int i = 0; i < revs.length; i++) {
      Rev rev = revs[i];
      ReplicaSetBuilder rs =
          new ReplicaSetBuilder()
              .withNewMetadata()
              .withName(name + "-h" + (i + 1))
              .withNamespace(NAMESPACE)
              .addToAnnotations("deployment.kubernetes.io/revision", String.valueOf(i + 1))
              .addToAnnotations("clinical-ops/schema-version", rev.schemaVersion())
              .withOwnerReferences(
                  new OwnerReferenceBuilder()
                      .withApiVersion("apps/v1")
                      .withKind("Deployment")
                      .withName(name)
                      .withUid(deployment.getMetadata().getUid())
                      .withController(true)
                      .build())
              .endMetadata()
              .withNewSpec()
              .withReplicas(i == revs.length - 1 ? 2 : 0)
              .withNewSelector()
              .addToMatchLabels("app", name)
              .endSelector()
              .withTemplate(template(name, rev.image(), "h" + (i + 1)))
              .endSpec();
      if (rev.stable()) {
        rs.editMetadata().addToAnnotations("clinical-ops/stable", "true").endMetadata();
      }
      client.apps().replicaSets().inNamespace(NAMESPACE).resource(rs.build()).create();
    }
    return deployment;
  }

  static String image(KubernetesClient client, String name) {
    return client
        .apps()
        .deployments()
        .inNamespace(NAMESPACE)
        .withName(name)
        .get()
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getImage();
  }

  /** What the Deployment controller would do once the new pods are up: report the rollout done. */
  static void completeRollout(KubernetesClient client, String name) {
    Deployment d = client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
    long generation = d.getMetadata().getGeneration() == null ? 1 : d.getMetadata().getGeneration();
    int replicas = d.getSpec().getReplicas();
    d.setStatus(
        new DeploymentStatusBuilder()
            .withObservedGeneration(generation)
            .withReplicas(replicas)
            .withUpdatedReplicas(replicas)
            .withAvailableReplicas(replicas)
            .withReadyReplicas(replicas)
            .build());
    client.apps().deployments().inNamespace(NAMESPACE).resource(d).updateStatus();
  }
}
