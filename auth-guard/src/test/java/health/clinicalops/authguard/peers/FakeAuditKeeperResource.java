package health.clinicalops.authguard.peers;

import static org.assertj.core.api.Assertions.assertThat;

import health.clinicalops.opskit.clients.AuditEvent;
import health.clinicalops.opskit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stands in for audit-keeper's write path over real HTTP, keeping every event. */
@Path("/api/v1/audit-events")
@RolesAllowed(Roles.SERVICE)
public class FakeAuditKeeperResource {

  public static final List<AuditEvent> EVENTS = new CopyOnWriteArrayList<>();

  @POST
  public void record(AuditEvent event) {
    EVENTS.add(event);
  }

  public static boolean has(String action, String key, Object value) {
    return find(action, key, value).isPresent();
  }

  /**
   * Asserts that an event of {@code action} with {@code key} = {@code value} arrived; a failure
   * lists the actions that did arrive.
   */
  public static void assertRecorded(String action, String key, Object value) {
    assertThat(find(action, key, value))
        .as(
            "audit event %s with %s=%s among %s",
            action, key, value, EVENTS.stream().map(AuditEvent::action).toList())
        .isPresent();
  }

  /** The first event of {@code action} whose details have {@code key} = {@code value}. */
  public static Optional<AuditEvent> find(String action, String key, Object value) {
    return EVENTS.stream()
        .filter(e -> e.action().equals(action) && value.equals(e.details().get(key)))
        .findFirst();
  }
}
