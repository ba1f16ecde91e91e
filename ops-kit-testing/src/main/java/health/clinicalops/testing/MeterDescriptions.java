package health.clinicalops.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@code /q/metrics} and checks that every meter of this service says what it measures: the
 * Prometheus text format prints {@code # HELP <name> <description>} for each meter, with a blank
 * description when the meter was built without one.
 */
public final class MeterDescriptions {

  private MeterDescriptions() {}

  /**
   * Every meter whose name starts with {@code prefix} has a non-blank {@code # HELP} line; {@code
   * expected} names must be among them, so the check is never vacuous. Names are as in the {@code #
   * TYPE} lines: a counter's family name has no {@code _total} (its samples do).
   */
  public static void assertEveryMeterDescribed(String prefix, String... expected) {
    String exposition = given().get("/q/metrics").then().statusCode(200).extract().asString();
    Set<String> meters = new TreeSet<>();
    Map<String, String> help = new HashMap<>();
    for (String line : exposition.split("\n")) {
      String[] parts = line.split(" ", 4);
      if (parts.length < 3 || !parts[0].equals("#") || !parts[2].startsWith(prefix)) {
        continue;
      }
      if (parts[1].equals("TYPE")) {
        meters.add(parts[2]);
      } else if (parts[1].equals("HELP")) {
        help.put(parts[2], parts.length == 4 ? parts[3] : "");
      }
    }
    assertThat(meters).as("meters exposed with prefix %s", prefix).contains(expected);
    assertThat(meters)
        .allSatisfy(name -> assertThat(help.get(name)).as("# HELP of %s", name).isNotBlank());
  }
}
