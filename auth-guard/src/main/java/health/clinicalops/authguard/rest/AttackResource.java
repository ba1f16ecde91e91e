package health.clinicalops.authguard.rest;

import health.clinicalops.authguard.domain.Attack;
import health.clinicalops.authguard.domain.AttackClass;
import health.clinicalops.authguard.repository.AttackRepository;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.opskit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The recognised attacks with their evidence (runbook step 4). */
@Path("/api/v1/attacks")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.SERVICE, Roles.OPERATOR})
public class AttackResource {

  /** Beyond this, a time to reach back to is no longer one the database can compare. */
  private static final Duration LONGEST_SINCE = Duration.ofDays(3650);

  private final AttackRepository attacks;
  private final Clock clock;

  AttackResource(AttackRepository attacks, Clock clock) {
    this.attacks = attacks;
    this.clock = clock;
  }

  /**
   * Attacks seen within {@code since} (an ISO-8601 duration, default PT24H), optionally of one
   * {@code class} (credential-stuffing, brute-force, distributed).
   */
  @GET
  public List<Attack> list(
      @QueryParam("since") @DefaultValue("PT24H") String since,
      @QueryParam("class") String attackClass) {
    Instant from;
    try {
      Duration window = Duration.parse(since);
      if (window.isNegative() || window.isZero() || window.compareTo(LONGEST_SINCE) > 0) {
        throw ProblemException.badRequest("since: between PT1S and P3650D, such as PT24H");
      }
      from = clock.instant().minus(window);
    } catch (DateTimeException e) {
      throw ProblemException.badRequest("since: not an ISO-8601 duration such as PT24H");
    }
    Optional<AttackClass> only = Optional.empty();
    if (attackClass != null && !attackClass.isBlank()) {
      only =
          Arrays.stream(AttackClass.values())
              .filter(c -> c.wireValue().equals(attackClass.toLowerCase(Locale.ROOT)))
              .findFirst();
      if (only.isEmpty()) {
        throw ProblemException.badRequest(
            "class: one of credential-stuffing, brute-force, distributed");
      }
    }
    return attacks.seenSince(from, only);
  }
}
