package health.clinicalops.rollbackorchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP webhook receiver inside the test app: records every page it gets. */
@Path("/test-webhooks")
@PermitAll
public class WebhookReceiverResource {

  /** One received page. */
  public record Received(String contact, JsonNode body) {}

  public static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();

  /** How many of the next calls answer 503, to exercise retries. */
  public static final AtomicInteger FAIL_NEXT = new AtomicInteger();

  /** Contacts whose webhook answers 503 to every call while they are in this set. */
  public static final Set<String> FAILING = ConcurrentHashMap.newKeySet();

  /** Every call that reached the receiver, by contact, answered or refused. */
  public static final List<String> CALLS = new CopyOnWriteArrayList<>();

  @POST
  @Path("/{contact}")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response receive(@PathParam("contact") String contact, JsonNode body) {
    CALLS.add(contact);
    if (FAILING.contains(contact)) {
      return Response.status(503).build();
    }
    if (FAIL_NEXT.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return Response.status(503).build();
    }
    RECEIVED.add(new Received(contact, body));
    return Response.noContent().build();
  }

  public static long count(String contact, String incidentId) {
    return RECEIVED.stream()
        .filter(r -> r.contact().equals(contact))
        .filter(
            r ->
                r.body().has("incidentId")
                    ? r.body().get("incidentId").asText().equals(incidentId)
                    : r.body().path("text").asText().contains("incident " + incidentId + ","))
        .count();
  }
}
