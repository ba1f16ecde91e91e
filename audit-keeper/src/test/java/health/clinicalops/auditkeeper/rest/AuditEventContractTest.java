package health.clinicalops.auditkeeper.rest;

import static health.clinicalops.auditkeeper.support.AuditApi.asOperator;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import health.clinicalops.auditkeeper.support.TempDirectoriesTestResource;
import health.clinicalops.opskit.clients.AuditEvent;
import health.clinicalops.opskit.clients.AuditTrail;
import health.clinicalops.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@code POST /api/v1/audit-events} with the other services: an event as ops-kit's
 * AuditTrail (every sender's client) serializes it, over HTTP through its outbox, is stored by the
 * real resource with every field as sent.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TempDirectoriesTestResource.class)
class AuditEventContractTest {

  @Inject AuditTrail trail;

  @Test
  void anEventSentByTheSendersClientIsStoredWithEveryField() {
    String id = "contract-" + UUID.randomUUID();
    AuditEvent sent =
        new AuditEvent(
            id,
            "db-sentinel",
            "database.mode.read-only.set",
            Map.of(
                "detail",
                "primary unreachable",
                "leaseSeconds",
                90,
                "incident",
                "db-sentinel/primary-unreachable/2026-12-01T10:00:00Z",
                "nested",
                Map.of("holders", List.of("app", "next"))),
            Instant.parse("2026-12-01T10:00:01.250Z"),
            "10.0.0.7");

    trail.record(sent);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                asOperator()
                    .get("/api/v1/audit-events/" + id)
                    .then()
                    .statusCode(200)
                    .body("userId", equalTo("db-sentinel"))
                    .body("action", equalTo("database.mode.read-only.set"))
                    .body("details.leaseSeconds", equalTo(90))
                    .body("details.nested.holders[1]", equalTo("next"))
                    .body("details.incident", equalTo(sent.details().get("incident")))
                    .body("timestamp", equalTo("2026-12-01T10:00:01.250Z"))
                    .body("ipAddress", equalTo("10.0.0.7")));
  }
}
