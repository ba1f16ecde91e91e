package health.clinicalops.rollbackorchestrator.rollback.service;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Deployment's releases: the ReplicaSets it owns (owner reference), ordered by their revision
 * annotation, with the {@code clinical-ops/stable} mark and schema version of each.
 */
@ApplicationScoped
public class ReleaseHistory {

  private final DeploymentCalls calls;

  ReleaseHistory(DeploymentCalls calls) {
    this.calls = calls;
  }

  /** The Deployment and its releases, oldest first; empty when there is no such Deployment. */
  public Optional<History> of(String namespace, String deployment) {
    Deployment found = calls.deployment(namespace, deployment);
    if (found == null) {
      return Optional.empty();
    }
    String uid = found.getMetadata().getUid();
    List<Release> releases =
        calls.replicaSets(namespace).stream()
            .filter(rs -> ownedBy(rs, uid, deployment))
            .map(ReleaseHistory::release)
            .flatMap(Optional::stream)
            .sorted(Comparator.comparingLong(Release::revision))
            .toList();
    long current =
        revisionOf(found)
            .orElse(releases.isEmpty() ? 0 : releases.get(releases.size() - 1).revision());
    return Optional.of(new History(found, current, releases));
  }

  /** A Deployment with its releases and its current revision. */
  public record History(Deployment deployment, long currentRevision, List<Release> releases) {

    public Optional<Release> release(long revision) {
      return releases.stream().filter(r -> r.revision() == revision).findFirst();
    }

    public Optional<Release> current() {
      return release(currentRevision);
    }

    public Optional<Release> oldestStable() {
      return releases.stream().filter(Release::stable).findFirst();
    }

    /** The runbook's "last known good version": the newest stable release before the current. */
    public Optional<Release> lastStableBefore(long revision) {
      return releases.stream()
          .filter(r -> r.stable() && r.revision() < revision)
          .reduce((a, b) -> b);
    }

    public Optional<Release> previous(long revision) {
      return releases.stream().filter(r -> r.revision() < revision).reduce((a, b) -> b);
    }
  }

  private static boolean ownedBy(ReplicaSet rs, String uid, String deployment) {
    List<OwnerReference> owners = rs.getMetadata().getOwnerReferences();
    if (owners == null) {
      return false;
    }
    return owners.stream()
        .anyMatch(
            o ->
                "Deployment".equals(o.getKind())
                    && (uid != null ? uid.equals(o.getUid()) : deployment.equals(o.getName())));
  }

  private static Optional<Release> release(ReplicaSet rs) {
    Optional<Long> revision = revisionOf(rs);
    if (revision.isEmpty() || rs.getSpec() == null || rs.getSpec().getTemplate() == null) {
      return Optional.empty();
    }
    Map<String, String> annotations = annotations(rs);
    List<String> images =
        rs.getSpec().getTemplate().getSpec() == null
            ? List.of()
            : rs.getSpec().getTemplate().getSpec().getContainers().stream()
                .map(Container::getImage)
                .toList();
    return Optional.of(
        new Release(
            revision.get(),
            rs.getMetadata().getName(),
            images,
            "true".equalsIgnoreCase(annotations.get(Release.STABLE_ANNOTATION)),
            Optional.ofNullable(annotations.get(Release.SCHEMA_VERSION_ANNOTATION)),
            rs.getSpec().getTemplate()));
  }

  private static Optional<Long> revisionOf(HasMetadata resource) {
    String value = annotations(resource).get(Release.REVISION_ANNOTATION);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Map<String, String> annotations(HasMetadata resource) {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }
}
