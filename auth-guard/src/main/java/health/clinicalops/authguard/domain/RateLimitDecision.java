package health.clinicalops.authguard.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The answer to an allowed request: what is left in the window and when the next slot frees. In
 * shadow mode a request that would have been refused is answered with {@code allowed = true} and
 * {@code shadowRefused = true}; {@code fallback} says the decision came from this pod's own limits.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RateLimitDecision(
    boolean allowed,
    int remaining,
    Instant resetAt,
    String policy,
    int limit,
    long windowSeconds,
    boolean fallback,
    Boolean shadowRefused) {}
