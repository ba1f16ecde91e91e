package health.clinicalops.opskit.clients;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import health.clinicalops.opskit.testapp.FakeAuditKeeperResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithKubernetesTestServer(crud = true)
class AuditTrailDeliveryTest {

  @Inject AuditTrail auditTrail;

  @BeforeEach
  void reset() {
    FakeAuditKeeperResource.STORED.clear();
    FakeAuditKeeperResource.ARRIVAL_ORDER.clear();
    FakeAuditKeeperResource.REFUSE_NEXT.set(0);
  }

  @Test
  void eventsArriveOverHttpWithTheServiceToken() {
    AuditEvent event = AuditEvent.of("auth-guard", "ip.blocked", Map.of("ip", "203.0.113.7"));
    auditTrail.record(event);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> FakeAuditKeeperResource.STORED.containsKey(event.id()));
    assertEquals("ip.blocked", FakeAuditKeeperResource.STORED.get(event.id()).action());
  }

  @Test
  void aRefusingAuditKeeperDelaysEventsButLosesNoneAndKeepsTheirOrder() {
    FakeAuditKeeperResource.REFUSE_NEXT.set(8);
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      AuditEvent event = AuditEvent.of("db-sentinel", "step-" + i, Map.of("i", i));
      sent.add(event.id());
      auditTrail.record(event);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> FakeAuditKeeperResource.STORED.size() == 20);
    assertEquals(sent, FakeAuditKeeperResource.ARRIVAL_ORDER);
    assertEquals(0, auditTrail.pending());
  }
}
