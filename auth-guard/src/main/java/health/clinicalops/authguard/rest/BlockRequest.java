package health.clinicalops.authguard.rest;

import health.clinicalops.authguard.domain.ValidIp;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * An operator's block: the IP, why, and for how long (the TTL rule's value when absent; at most 10
 * years, so that the expiry is always a time the database can hold).
 */
public record BlockRequest(
    @NotBlank @ValidIp String ip,
    @NotBlank @Size(max = 500) String reason,
    @Positive @Max(value = MAX_TTL_SECONDS, message = "must be at most 315360000 (10 years)")
        Long ttlSeconds) {

  public static final long MAX_TTL_SECONDS = 10L * 365 * 24 * 3600;
}
