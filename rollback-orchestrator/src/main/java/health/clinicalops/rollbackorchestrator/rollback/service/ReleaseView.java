package health.clinicalops.rollbackorchestrator.rollback.service;

import java.util.List;

/** A release of a Deployment as the API shows it. */
public record ReleaseView(
    long revision,
    String replicaSet,
    List<String> images,
    boolean stable,
    String schemaVersion,
    boolean current) {}
