package health.clinicalops.errorwatch.domain;

import jakarta.validation.constraints.NotBlank;
import java.time.Instant;

/**
 * {@code POST /api/v1/deploys}: a deploy announced by CI or a person.
 *
 * @param app the Deployment's name
 * @param image the container image
 * @param revision the Deployment revision
 * @param release the app's release (as in its log lines' {@code context.release})
 * @param previousRevision the revision it replaced (a rollback goes there)
 * @param deployedAt when; now when absent
 */
public record DeployRequest(
    @NotBlank String app,
    String image,
    String revision,
    String release,
    String previousRevision,
    Instant deployedAt) {}
