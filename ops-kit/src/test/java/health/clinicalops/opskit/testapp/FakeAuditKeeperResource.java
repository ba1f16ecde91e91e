package health.clinicalops.opskit.testapp;

import health.clinicalops.opskit.clients.AuditEvent;
import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.opskit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for audit-keeper's write path over real HTTP: stores by id (idempotent), and can be
 * told to refuse the next calls to exercise retries.
 */
@Path("/api/v1/audit-events")
@RolesAllowed(Roles.SERVICE)
public class FakeAuditKeeperResource {

  public static final Map<String, AuditEvent> STORED = new ConcurrentHashMap<>();
  public static final List<String> ARRIVAL_ORDER = new CopyOnWriteArrayList<>();
  public static final AtomicInteger REFUSE_NEXT = new AtomicInteger();

  @POST
  public void record(AuditEvent event) {
    if (REFUSE_NEXT.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw ProblemException.unavailable("database down", Duration.ofSeconds(1));
    }
    if (STORED.putIfAbsent(event.id(), event) == null) {
      ARRIVAL_ORDER.add(event.id());
    }
  }
}
