package health.clinicalops.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.testing.ServiceProcess;
import java.io.IOException;

/** Reads one named check's data from a service's {@code /q/health/ready}. */
final class Health {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Health() {}

  static JsonNode readinessData(ServiceProcess service, String check) {
    ServiceProcess.Response ready = service.get("/q/health/ready", null);
    if (ready.status() < 0) {
      return JSON.missingNode();
    }
    try {
      for (JsonNode node : JSON.readTree(ready.body()).path("checks")) {
        if (check.equals(node.path("name").asText())) {
          return node.path("data");
        }
      }
    } catch (IOException e) {
      return JSON.missingNode();
    }
    return JSON.missingNode();
  }
}
