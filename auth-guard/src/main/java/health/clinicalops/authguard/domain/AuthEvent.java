package health.clinicalops.authguard.domain;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * One sign-in as the app reports it. {@code passwordFingerprint} is a keyed hash the app computes
 * (no password ever reaches auth-guard): equal fingerprints mean the same password was tried.
 * {@code username} is the sign-in name, the account's email. {@code at} defaults to now.
 */
public record AuthEvent(
    @NotBlank @ValidIp String ip,
    @NotBlank
        @Size(max = 320)
        @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters")
        String username,
    @NotNull Outcome outcome,
    @Size(max = 512) String userAgent,
    @Size(max = 128) String passwordFingerprint,
    Instant at) {

  /** How the sign-in ended. */
  public enum Outcome {
    @JsonProperty("success")
    SUCCESS,
    @JsonProperty("failure")
    FAILURE
  }
}
