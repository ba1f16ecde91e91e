package health.clinicalops.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiServerDispatcherTest {

  /** RFC 7386, Appendix A: every example. */
  @ParameterizedTest(name = "{0} + {1} = {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"a":"b"}             | {"a":"c"}                  | {"a":"c"}
          {"a":"b"}             | {"b":"c"}                  | {"a":"b","b":"c"}
          {"a":"b"}             | {"a":null}                 | {}
          {"a":"b","b":"c"}     | {"a":null}                 | {"b":"c"}
          {"a":["b"]}           | {"a":"c"}                  | {"a":"c"}
          {"a":"c"}             | {"a":["b"]}                | {"a":["b"]}
          {"a":{"b":"c"}}       | {"a":{"b":"d","c":null}}   | {"a":{"b":"d"}}
          {"a":[{"b":"c"}]}     | {"a":[1]}                  | {"a":[1]}
          ["a","b"]             | ["c","d"]                  | ["c","d"]
          {"a":"b"}             | ["c"]                      | ["c"]
          {"a":"foo"}           | null                       | null
          {"a":"foo"}           | "bar"                      | "bar"
          {"e":null}            | {"a":1}                    | {"e":null,"a":1}
          [1,2]                 | {"a":"b","c":null}         | {"a":"b"}
          {}                    | {"a":{"bb":{"ccc":null}}}  | {"a":{"bb":{}}}
          """)
  void aMergePatchDoesWhatRfc7386Says(String target, String patch, String result) {
    assertThat(ApiServerDispatcher.mergePatch(json(target), json(patch))).isEqualTo(json(result));
  }

  @Test
  void aStrategicMergePatchIsAMergePatchOnlyWithoutListsAndDirectives() {
    assertThat(ApiServerDispatcher.hasListOrDirective(json("{\"data\":{\"mode\":null}}")))
        .isFalse();
    assertThat(
            ApiServerDispatcher.hasListOrDirective(
                json("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\"}]}}}}")))
        .isTrue();
    assertThat(ApiServerDispatcher.hasListOrDirective(json("{\"spec\":{\"$patch\":\"replace\"}}")))
        .isTrue();
    assertThat(
            ApiServerDispatcher.hasListOrDirective(
                json("{\"spec\":{\"$setElementOrder/containers\":{}}}")))
        .isTrue();
  }

  private static JsonNode json(String text) {
    try {
      return Serialization.jsonMapper().readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
