package health.clinicalops.authguard;

import static health.clinicalops.authguard.support.Api.asOperator;
import static health.clinicalops.authguard.support.Api.checkFromIp;
import static health.clinicalops.authguard.support.Api.failures;
import static health.clinicalops.authguard.support.Api.sendBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.InjectPostgres;
import health.clinicalops.testing.PostgresTestResource;
import health.clinicalops.testing.RedisTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * auth-guard's database hung (its processes SIGSTOPped, as a dead network path looks to a client):
 * the blocks already made stay enforced from memory, and a call that needs the database fails
 * within its JDBC timeouts instead of hanging (without them it waits for good); once the database
 * answers again, blocking works again.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(
    value = PostgresTestResource.class,
    initArgs = @ResourceArg(name = "database", value = "auth_guard"))
@WithTestResource(RedisTestResource.class)
class HungDatabaseTest {

  @InjectPostgres EmbeddedPostgresServer postgres;

  @Test
  void blocksStayEnforcedAndDatabaseCallsFailInBoundedTimeWhileTheDatabaseHangs() throws Exception {
    String blocked = randomIp();
    asOperator()
        .contentType(ContentType.JSON)
        .body(Map.of("ip", blocked, "reason", "hung database test", "ttlSeconds", 600))
        .post("/api/v1/blocks")
        .then()
        .statusCode(201);

    String next = randomIp();
    while (next.equals(blocked)) {
      next = randomIp();
    }
    String nextIp = next;
    postgres.freeze();
    try {
      long started = System.nanoTime();
      checkFromIp("k-" + blocked, "READ", blocked).statusCode(403);
      checkFromIp("k-other", "READ", randomIp()).statusCode(200);
      assertThat(elapsedSince(started)).isLessThan(Duration.ofSeconds(1));

      // Blocking a new IP needs the database: every failure is counted, and the assessment that
      // would block gives up within the JDBC timeouts instead of holding the request.
      // (without the timeouts the call waits for the database: the future below times out)
      JsonPath answer =
          CompletableFuture.supplyAsync(
                  () -> sendBatch(failures(nextIp, 51)).statusCode(200).extract().jsonPath())
              .get(14, TimeUnit.SECONDS);
      assertThat(answer.getInt("accepted")).isEqualTo(51);
      assertThat(answer.getList("blockedIps")).isEmpty();
    } finally {
      postgres.thaw();
    }

    // The IP's failures were counted: its next failure, once the database answers, blocks it.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                sendBatch(failures(nextIp, 1)).statusCode(200).body("blockedIps", hasItem(nextIp)));
    checkFromIp("k-" + next, "READ", next).statusCode(403);
    asOperator().delete("/api/v1/blocks/" + blocked).then().statusCode(200);
  }

  private static String randomIp() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return "203.0." + r.nextInt(113, 114) + "." + r.nextInt(1, 255);
  }

  private static Duration elapsedSince(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos);
  }
}
