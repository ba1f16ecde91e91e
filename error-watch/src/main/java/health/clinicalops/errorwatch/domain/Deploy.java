package health.clinicalops.errorwatch.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * A deployment of the clinical app.
 *
 * @param app the Deployment's name
 * @param image the container image
 * @param revision the {@code deployment.kubernetes.io/revision}
 * @param release the app's release label (the log line's {@code context.release}), if known
 * @param previousRevision the revision it replaced, if known
 * @param deployedAt when
 * @param source {@code cluster} or {@code api}
 */
public record Deploy(
    UUID id,
    String app,
    String image,
    String revision,
    String release,
    String previousRevision,
    Instant deployedAt,
    String source) {}
