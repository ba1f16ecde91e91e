package health.clinicalops.opskit.ndjson;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.opskit.ndjson.NdjsonReader.Line;
import health.clinicalops.opskit.ndjson.NdjsonReader.LineError;
import health.clinicalops.opskit.ndjson.NdjsonReader.Lines;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Line splitting, numbering and the good/bad separation of the one NDJSON reader. */
class NdjsonReaderTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final NdjsonReader.LineParser<JsonNode> OBJECTS =
      (buffer, offset, length) -> {
        JsonNode node = JSON.readTree(buffer, offset, length);
        if (!node.isObject()) {
          throw new NdjsonReader.InvalidLine("not an object");
        }
        return node;
      };

  private static List<String> linesOf(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    NdjsonReader.read(
        in,
        (buffer, offset, length, number) ->
            lines.add(number + ":" + new String(buffer, offset, length, StandardCharsets.UTF_8)));
    return lines;
  }

  @Test
  void linesAreNumberedAsTheSenderCountsThemBlankOnesIncludedButSkipped() throws IOException {
    String body = "{\"a\":1}\r\n\n   \n  {\"b\":2}  \n{\"c\":3}";

    assertThat(linesOf(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
        .containsExactly("1:{\"a\":1}", "4:{\"b\":2}", "5:{\"c\":3}");
  }

  @Test
  void bytesAlreadyInMemoryGiveTheSameLinesAsAStream() throws IOException {
    String body = "{\"a\":1}\r\n\n   \n  {\"b\":2}  \n{\"c\":3}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>();

    int nonBlank =
        NdjsonReader.read(
            bytes,
            (buffer, offset, length, number) ->
                lines.add(
                    number + ":" + new String(buffer, offset, length, StandardCharsets.UTF_8)));

    assertThat(lines).isEqualTo(linesOf(new ByteArrayInputStream(bytes)));
    assertThat(nonBlank).isEqualTo(3);
  }

  @Test
  void aStreamThatArrivesOneByteAtATimeGivesTheSameLines() throws IOException {
    String body = "{\"a\":1}\n{\"b\":\"é\"}\n\n{\"c\":3}\n";
    InputStream trickle =
        new FilterInputStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(1, len));
          }
        };

    assertThat(linesOf(trickle)).containsExactly("1:{\"a\":1}", "2:{\"b\":\"é\"}", "4:{\"c\":3}");
  }

  @Test
  void aLineLongerThanTheReadBufferIsHandedOverWhole() throws IOException {
    String longValue = "x".repeat(200_000);
    String body = "{\"a\":1}\n{\"long\":\"" + longValue + "\"}\n{\"c\":3}\n";

    List<String> lines = linesOf(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));

    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).isEqualTo("2:{\"long\":\"" + longValue + "\"}");
  }

  @Test
  void goodLinesAreKeptAndEachBadOneIsReportedWithItsNumberAndKind() {
    Lines<JsonNode> lines =
        NdjsonReader.parse("{\"a\":1}\n{not json\n[1,2]\n\n{\"d\":4}\n", OBJECTS);

    assertThat(lines.good()).extracting(Line::number).containsExactly(1, 5);
    assertThat(lines.good().get(1).value().path("d").asInt()).isEqualTo(4);
    assertThat(lines.bad()).extracting(LineError::line).containsExactly(2, 3);
    assertThat(lines.bad().get(0).malformed()).isTrue();
    assertThat(lines.bad().get(0).detail()).startsWith("malformed JSON: ");
    assertThat(lines.bad().get(1)).isEqualTo(new LineError(3, "not an object", false));
    assertThat(lines.nonBlank()).isEqualTo(4);
  }

  @Test
  void anEmptyOrBlankBodyHasNoLines() {
    assertThat(NdjsonReader.parse("", OBJECTS).nonBlank()).isZero();
    assertThat(NdjsonReader.parse("\n \r\n\t\n", OBJECTS).nonBlank()).isZero();
    assertThat(NdjsonReader.parse((String) null, OBJECTS).good()).isEmpty();
  }
}
