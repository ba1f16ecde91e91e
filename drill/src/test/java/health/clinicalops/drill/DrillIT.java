package health.clinicalops.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The drill end to end, as {@code ./clinops drill} runs it: the five service jars built by this
 * reactor, started as processes against real PostgreSQL, Redis and the local Kubernetes API.
 */
class DrillIT {

  @Test
  void everyExpectedAutomatedResponseHappens() throws Exception {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    Timeline timeline = new Timeline();
    try (LocalStack stack = new LocalStack(repo, new Progress())) {
      stack.start();
      new OperatorMaintenanceScenario(stack, timeline).play();
    }
    timeline.print(System.out);
    int services = LocalStack.SERVICES.size();
    assertEquals(2 * services, timeline.rows().size(), "each service follows both patches");
    timeline.rows().forEach(row -> assertTrue(row.ok(), row.action() + ": " + row.note()));
  }
}
