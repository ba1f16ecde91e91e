package health.clinicalops.authguard.rest;

import health.clinicalops.authguard.domain.ValidIp;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** An operator's block: the IP, why, and for how long (the TTL rule's value when absent). */
public record BlockRequest(
    @NotBlank @ValidIp String ip,
    @NotBlank @Size(max = 500) String reason,
    @Positive Long ttlSeconds) {}
