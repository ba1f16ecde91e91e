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

  /**
   * The lease rule for a service (a person may always change the mode): it may change the mode to
   * {@code to} when nothing is in force (normal, or a lease that ran out), when it set the current
   * mode itself, or when {@code to} is stricter. So only the setter, an operator or the lease's
   * expiry lifts a mode, and anyone may make it safer.
   */
  public boolean changeableBy(String service, Mode to, Instant now) {
    if (mode == Mode.NORMAL || !isInForce(now)) {
      return true;
    }
    return setBy.equals(service) || to.compareTo(mode) > 0;
  }
}
