package health.clinicalops.bench;

import health.clinicalops.testing.ServiceProcess;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One scrape of a service's {@code /q/metrics} (Prometheus text format): what the bench reads about
 * a service instead of the wording of its log.
 */
record ServiceMetrics(Map<String, Double> samples) {

  static ServiceMetrics scrape(ServiceProcess service) {
    ServiceProcess.Response response = service.get("/q/metrics", null);
    if (response.status() != 200) {
      throw new IllegalStateException(
          service.name() + "'s /q/metrics answered " + response.status() + ": " + response.body());
    }
    return parse(response.body());
  }

  /** Each sample line {@code name{labels} value} by its series (name and labels as written). */
  static ServiceMetrics parse(String exposition) {
    Map<String, Double> samples = new HashMap<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space).strip(), Double.parseDouble(line.substring(space + 1)));
    }
    return new ServiceMetrics(samples);
  }

  /** The value of {@code series} (a name, with its labels if it has any), if exposed. */
  OptionalDouble value(String series) {
    Double value = samples.get(series);
    return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
  }

  double require(String series) {
    return value(series)
        .orElseThrow(() -> new IllegalStateException("no " + series + " at /q/metrics"));
  }
}
