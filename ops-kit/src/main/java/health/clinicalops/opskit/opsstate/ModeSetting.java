package health.clinicalops.opskit.opsstate;

import java.time.Instant;
import java.util.Optional;

/**
 * The {@code mode} keys together. A mode set by automation carries a lease that its setter renews;
 * once the lease has run out the mode no longer applies (see {@link #isInForce(Instant)}).
 */
public record ModeSetting(
    Mode mode,
    String reason,
    String setBy,
    Optional<Instant> since,
    Optional<Instant> leaseExpiresAt) {

  public static final ModeSetting NORMAL =
      new ModeSetting(Mode.NORMAL, "", "", Optional.empty(), Optional.empty());

  public boolean isInForce(Instant now) {
    return leaseExpiresAt.map(now::isBefore).orElse(true);
  }

  public boolean isLeased() {
    return leaseExpiresAt.isPresent();
  }
}
