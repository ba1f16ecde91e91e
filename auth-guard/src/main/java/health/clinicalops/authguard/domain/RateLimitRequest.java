package health.clinicalops.authguard.domain;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * A rate-limit question from the app: may {@code key} (a user id, an API key, an IP) make one more
 * request under {@code policy} ({@code AUTH}, {@code WRITE}, {@code WRITE.paid}, ...)? {@code ip}
 * is the caller's source address, checked against the blocks (when absent and {@code key} is an IP,
 * the key is checked); {@code endpoint} names the route, for the "Rate Limit Overwhelmed" evidence.
 */
public record RateLimitRequest(
    @NotBlank @Size(max = 256) String key,
    @NotBlank @Size(max = 64) String policy,
    @Size(max = 64) String ip,
    @Size(max = 256) String endpoint) {}
