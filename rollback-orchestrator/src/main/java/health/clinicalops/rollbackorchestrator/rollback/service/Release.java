package health.clinicalops.rollbackorchestrator.rollback.service;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.List;
import java.util.Optional;

/**
 * One release of a Deployment: a ReplicaSet it owns, by its {@code
 * deployment.kubernetes.io/revision}.
 */
public record Release(
    long revision,
    String replicaSet,
    List<String> images,
    boolean stable,
    Optional<String> schemaVersion,
    PodTemplateSpec template) {

  public static final String REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
  public static final String STABLE_ANNOTATION = "clinical-ops/stable";
  public static final String SCHEMA_VERSION_ANNOTATION = "clinical-ops/schema-version";
}
