package health.clinicalops.rollbackorchestrator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The service's own meters at {@code /q/metrics}: exposed under the names dashboards, the drill and
 * the bench read, each with a description ({@code # HELP}).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
class OrchestratorMetricsTest {

  static final String PREFIX = "clinicalops_rollback_orchestrator_";

  /** Every meter of the service, as Prometheus exposes it. */
  static final Set<String> METERS =
      Set.of(
          PREFIX + "incidents_opened_total",
          PREFIX + "pages_sent_total",
          PREFIX + "pages_failed_total",
          PREFIX + "rollbacks_total",
          PREFIX + "notices_queued_total",
          PREFIX + "emails_sent_total",
          PREFIX + "emails_failed_total",
          PREFIX + "subscriptions_total",
          PREFIX + "subscriptions_confirmed_total",
          PREFIX + "subscriptions_purged_total",
          PREFIX + "subscriptions_refused_total",
          PREFIX + "status_builds_total");

  @Test
  void everyMeterIsExposedUnderItsNameWithADescription() {
    // The one meter whose tags (severity, runbook) are only known once an incident opens.
    String id = StatusFixtures.openWithSecrets("audit-log-failure", "P3");
    StatusFixtures.resolve(id, null);

    String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
    Map<String, String> help = new HashMap<>();
    Set<String> exposed = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (line.startsWith("# HELP " + PREFIX)) {
        String[] nameAndText = line.substring("# HELP ".length()).split(" ", 2);
        help.put(nameAndText[0], nameAndText.length > 1 ? nameAndText[1].strip() : "");
      } else if (line.startsWith(PREFIX)) {
        exposed.add(line.split("[{ ]", 2)[0]);
      }
    }

    assertThat(exposed).containsAll(METERS);
    SoftAssertions described = new SoftAssertions();
    for (String name : exposed) {
      String text = help.getOrDefault(name, help.get(name.replaceFirst("_total$", "")));
      described.assertThat(text).as("# HELP of %s", name).isNotBlank();
    }
    described.assertAll();
  }
}
