package health.clinicalops.auditkeeper.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRecordsTest {

  static final String COPY_OUTPUT =
      "id,details,seq\n"
          + "a-1,\"{\"\"note\"\": \"\"x, y\"\"}\",1\n"
          + "a-2,\"two\nlines\",2\r\n"
          + "a-3,,3\n";

  @Test
  void readsQuotedCommasDoubledQuotesLineBreaksAndEmptyFields() throws IOException {
    assertThat(all(new CsvRecords(new StringReader(COPY_OUTPUT))))
        .containsExactly(
            List.of("id", "details", "seq"),
            List.of("a-1", "{\"note\": \"x, y\"}", "1"),
            List.of("a-2", "two\nlines", "2"),
            List.of("a-3", "", "3"));
  }

  @Test
  void recordsThatCrossTheBufferBoundaryReadTheSame() throws IOException {
    List<List<String>> expected = all(new CsvRecords(new StringReader(COPY_OUTPUT)));
    for (int size = 1; size <= COPY_OUTPUT.length(); size++) {
      assertThat(all(new CsvRecords(new StringReader(COPY_OUTPUT), size)))
          .as("buffer of %d characters", size)
          .isEqualTo(expected);
    }
  }

  @Test
  void aFileThatEndsInsideAQuotedFieldIsRefused() {
    CsvRecords csv = new CsvRecords(new StringReader("a-1,\"{\"\"cut"));
    assertThatThrownBy(csv::next).isInstanceOf(IOException.class).hasMessageContaining("quoted");
  }

  private static List<List<String>> all(CsvRecords csv) throws IOException {
    List<List<String>> records = new ArrayList<>();
    for (List<String> r = csv.next(); r != null; r = csv.next()) {
      records.add(r);
    }
    return records;
  }
}
